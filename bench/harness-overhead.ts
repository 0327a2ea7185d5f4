/**
 * Requests per second through the target layer (client-request-id, exchange capture, redaction, JSON parsing,
 * schema validation) against a bare fetch loop, same mock, same concurrency, measured pair by pair.
 */
import { schemas } from '../schemas/registry.js';
import { NoAuth } from '../target/auth.js';
import type { Exchange } from '../target/exchange.js';
import { HttpClient } from '../target/http.js';

async function pool(n: number, concurrency: number, one: () => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next += 1;
        await one();
      }
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

export function bareLoop(url: string, n: number, concurrency: number): Promise<number> {
  return pool(n, concurrency, async () => {
    const r = await fetch(url, { headers: { Accept: 'application/json' } });
    await r.json();
  });
}

export function harnessLoop(url: string, n: number, concurrency: number): Promise<number> {
  const http = new HttpClient({ timeoutMs: 10_000, maxRetries: 3, maxRetryWaitMs: 30_000, requestBudget: Number.MAX_SAFE_INTEGER, concurrency, tokens: new NoAuth() });
  const reg = schemas();
  const kept: Exchange[] = [];
  http.onExchange((x) => {
    kept.push(x);
    if (kept.length > 1000) kept.shift(); // what a check keeps: its recent exchanges
  });
  return pool(n, concurrency, async () => {
    const r = await http.request(url);
    if (r.status !== 200 || reg.check('dataShareOutgoingFlow.collection', r.json).length) throw new Error(`bench: unexpected answer ${r.status} from ${url}`);
  });
}

export interface OverheadPair {
  bareRps: number;
  harnessRps: number;
  ratio: number;
}

/** Alternates which loop goes first so that neither profits from a warmer mock. */
export async function overheadPairs(url: string, pairs: number, n: number, concurrency: number): Promise<OverheadPair[]> {
  await bareLoop(url, 200, concurrency); // warm-up: JIT, sockets
  await harnessLoop(url, 200, concurrency);
  const out: OverheadPair[] = [];
  for (let i = 0; i < pairs; i++) {
    let bareRps: number;
    let harnessRps: number;
    if (i % 2 === 0) {
      bareRps = await bareLoop(url, n, concurrency);
      harnessRps = await harnessLoop(url, n, concurrency);
    } else {
      harnessRps = await harnessLoop(url, n, concurrency);
      bareRps = await bareLoop(url, n, concurrency);
    }
    out.push({ bareRps, harnessRps, ratio: harnessRps / bareRps });
  }
  return out;
}
