/**
 * HTTP client on native fetch: client-request-id per request, timeouts, bounded 429/503 retries honouring
 * Retry-After, a request budget, a concurrency cap, and a redacted exchange record of everything.
 */
import { randomUUID } from 'node:crypto';
import type { TokenProvider } from './auth.js';
import { HarnessError } from './errors.js';
import type { Exchange } from './exchange.js';
import { redact, redactHeaders } from './redact.js';

export interface HttpOptions {
  timeoutMs: number;
  maxRetries: number;
  /** bound on the total time spent waiting for Retry-After, per request */
  maxRetryWaitMs: number;
  requestBudget: number;
  concurrency: number;
  tokens: TokenProvider;
  /** default Retry-After when a 429/503 carries none, ms */
  defaultRetryAfterMs?: number;
  /** set to abort every request in flight (interruption) */
  signal?: AbortSignal;
}

export interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  /** JSON body (serialised) or raw text */
  json?: unknown;
  body?: string;
  /** false: return 429/503 as they are, without retrying */
  retry?: boolean;
  /** false: send no Authorization header even when a token is configured */
  auth?: boolean;
  /** retry a dropped connection even for a write (cleanup DELETEs, where a repeat answering 404 is fine) */
  retryNetwork?: boolean;
  /** cleanup traffic: at least 6 retries and 60 s of Retry-After, and outside the request budget (nothing may be left behind) */
  persistent?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** parsed JSON body, undefined when there is none or it does not parse */
  json: any;
  /** set when the body is non-empty but not JSON */
  jsonError?: string;
  exchange: Exchange;
}

export interface HttpStats {
  requests: number;
  retries: number;
  waitedMs: number;
  throttled: number;
  unavailable: number;
}

export type ExchangeSink = (x: Exchange) => void;

export class HttpClient {
  readonly stats: HttpStats = { requests: 0, retries: 0, waitedMs: 0, throttled: 0, unavailable: 0 };
  private active = 0;
  private queue: (() => void)[] = [];
  private sinks = new Set<ExchangeSink>();

  constructor(private opts: HttpOptions) {}

  /** Every exchange is offered to the sinks (already redacted). Returns an unsubscribe function. */
  onExchange(sink: ExchangeSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  budgetLeft(): number {
    return this.opts.requestBudget - this.stats.requests;
  }

  private async slot(): Promise<() => void> {
    if (this.active >= this.opts.concurrency) await new Promise<void>((r) => this.queue.push(r));
    this.active += 1;
    return () => {
      this.active -= 1;
      this.queue.shift()?.();
    };
  }

  async request(url: string, init: RequestInit = {}): Promise<HttpResponse> {
    const release = await this.slot();
    try {
      return await this.send(url, init);
    } finally {
      release();
    }
  }

  private async send(url: string, init: RequestInit): Promise<HttpResponse> {
    const method = init.method ?? 'GET';
    const clientRequestId = randomUUID();
    const headers: Record<string, string> = { Accept: 'application/json', 'client-request-id': clientRequestId, ...(init.headers ?? {}) };
    const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
    if (init.json !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    if (init.auth !== false) {
      const token = await this.opts.tokens.getToken();
      if (token) headers.Authorization = `Bearer ${token}`;
    }
    const started = Date.now();
    const exchange: Exchange = {
      method,
      url: redact(url),
      requestHeaders: redactHeaders(headers),
      requestBody: body === undefined ? undefined : redact(body),
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
      clientRequestId,
      attempts: 0,
    };
    let waited = 0;
    const maxRetries = init.persistent ? Math.max(this.opts.maxRetries, 6) : this.opts.maxRetries;
    const maxWait = init.persistent ? Math.max(this.opts.maxRetryWaitMs, 60_000) : this.opts.maxRetryWaitMs;
    const transientRetry = (e: unknown) => (method === 'GET' || init.retryNetwork || init.persistent) && init.retry !== false && (e as HarnessError).kind === 'network' && exchange.attempts <= maxRetries;
    try {
      for (;;) {
        if (this.stats.requests >= this.opts.requestBudget && !init.persistent) {
          throw new HarnessError('budget', `request budget of ${this.opts.requestBudget} exhausted (raise DSC_REQUEST_BUDGET or --request-budget)`);
        }
        if (this.opts.signal?.aborted) throw new HarnessError('interrupted', 'the run was interrupted');
        this.stats.requests += 1;
        exchange.attempts += 1;
        let res: Response;
        try {
          res = await this.fetchOnce(url, method, headers, body);
        } catch (e) {
          // a dropped connection on a GET is retried (idempotent); a write is not, it may have been applied
          if (!transientRetry(e)) throw e;
          this.stats.retries += 1;
          continue;
        }
        const throttledAnswer = (res.status === 429 || res.status === 503) && init.retry !== false;
        if (res.status === 429) this.stats.throttled += 1;
        if (res.status === 503) this.stats.unavailable += 1;
        if (throttledAnswer) {
          const wait = retryAfterMs(res.headers.get('retry-after'), this.opts.defaultRetryAfterMs ?? 1000, exchange.attempts);
          if (exchange.attempts > maxRetries || waited + wait > maxWait) {
            await res.arrayBuffer().catch(() => undefined);
            throw new HarnessError(
              'throttled',
              `${method} ${redact(url)}: still ${res.status} after ${exchange.attempts} attempts and ${waited} ms of waiting (limits: DSC_MAX_RETRIES=${this.opts.maxRetries}, DSC_MAX_RETRY_WAIT_MS=${this.opts.maxRetryWaitMs})`,
            );
          }
          await res.arrayBuffer().catch(() => undefined);
          await sleep(wait, this.opts.signal);
          waited += wait;
          this.stats.retries += 1;
          this.stats.waitedMs += wait;
          continue;
        }
        let text: string;
        try {
          text = await readBody(res, method, url, this.opts.timeoutMs);
        } catch (e) {
          if (!transientRetry(e)) throw e;
          this.stats.retries += 1;
          continue;
        }
        if (res.ok && /text\/html/i.test(res.headers.get('content-type') ?? '')) {
          // an HTML page on a 2xx comes from an intermediary (proxy, gateway, captive portal), not the OData service
          const e = new HarnessError('network', `${method} ${redact(url)}: answered ${res.status} with an HTML page instead of the service's JSON (a proxy or gateway in the way?)`);
          if (!transientRetry(e)) throw e;
          this.stats.retries += 1;
          continue;
        }
        const resHeaders: Record<string, string> = {};
        res.headers.forEach((v, k) => {
          resHeaders[k] = v;
        });
        exchange.status = res.status;
        exchange.responseHeaders = redactHeaders(resHeaders);
        exchange.responseBody = text === '' ? undefined : redact(text);
        exchange.requestId = resHeaders['request-id'];
        let json: any;
        let jsonError: string | undefined;
        if (text !== '') {
          try {
            json = JSON.parse(text);
          } catch (e) {
            jsonError = (e as Error).message;
          }
        }
        return { status: res.status, headers: resHeaders, text, json, jsonError, exchange };
      }
    } catch (e) {
      exchange.error = redact((e as Error).message);
      throw e;
    } finally {
      exchange.durationMs = Date.now() - started;
      for (const s of this.sinks) s(exchange);
    }
  }

  private async fetchOnce(url: string, method: string, headers: Record<string, string>, body: string | undefined): Promise<Response> {
    const signals = [AbortSignal.timeout(this.opts.timeoutMs)];
    if (this.opts.signal) signals.push(this.opts.signal);
    try {
      return await fetch(url, { method, headers, body, signal: AbortSignal.any(signals), redirect: 'manual' });
    } catch (e) {
      throw networkError(e, method, url, this.opts.timeoutMs, this.opts.signal);
    }
  }
}

async function readBody(res: Response, method: string, url: string, timeoutMs: number): Promise<string> {
  try {
    return await res.text();
  } catch (e) {
    throw networkError(e, method, url, timeoutMs);
  }
}

function networkError(e: unknown, method: string, url: string, timeoutMs: number, signal?: AbortSignal): HarnessError {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (signal?.aborted) return new HarnessError('interrupted', 'the run was interrupted');
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return new HarnessError('timeout', `${method} ${redact(url)}: no complete answer within ${timeoutMs} ms (DSC_TIMEOUT_MS)`);
  const cause = err.cause?.code ?? err.cause?.message ?? err.message;
  return new HarnessError('network', `${method} ${redact(url)}: ${cause === 'ECONNREFUSED' ? 'connection refused (is the target running?)' : `network error: ${cause}`}`);
}

/** Retry-After as seconds or an HTTP date; without one, exponential from the default. */
export function retryAfterMs(header: string | null, dflt: number, attempt: number): number {
  if (header) {
    const s = Number(header);
    if (Number.isFinite(s) && s >= 0) return Math.round(s * 1000);
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  return dflt * 2 ** Math.max(0, attempt - 1);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new HarnessError('interrupted', 'the run was interrupted'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new HarnessError('interrupted', 'the run was interrupted'));
      },
      { once: true },
    );
  });
}
