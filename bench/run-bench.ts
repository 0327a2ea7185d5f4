/** The benchmark: every figure on this machine in one run, written to a JSON file and printed as a table. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { overheadPairs } from './harness-overhead.js';
import { bodiesPerSecond, validationsPerSecond } from './generation.js';
import { PAGING_CHECKS, pagingAt, type ScalingSample, slope } from './scaling.js';
import { repeat, type Summary, summarize } from './stats.js';
import { requestsPerCheck, type SuiteRun, suiteRun } from './suite-runs.js';
import { startMock } from '../mock/server.js';

export interface BenchOptions {
  samples: number;
  sizes: number[];
  out: string;
  log: (s: string) => void;
}

/** Budgets the README states per profile (config/config.ts DEFAULT_BUDGET). */
export const DEFAULT_BUDGETS = { full: 20000, 'tenant-safe': 1500, 'read-only': 300 } as const;
const DEFAULT_RUNS = 25;

export async function runBench(o: BenchOptions) {
  const started = Date.now();
  const step = (s: string) => o.log(`bench: ${s}`);

  step(`full suite, default profile, ${DEFAULT_RUNS} runs per property x${o.samples}`);
  const defaults = await repeat(o.samples, (i) => suiteRun(['--seed', String(i + 1)]));
  step(`full suite, ${DEFAULT_RUNS * 10} runs per property x${o.samples}`);
  const tenfold = await repeat(o.samples, (i) => suiteRun(['--seed', String(i + 1), '--runs', String(DEFAULT_RUNS * 10)]));
  const profiles: Record<string, SuiteRun[]> = { full: defaults };
  for (const p of ['tenant-safe', 'read-only'] as const) {
    step(`profile ${p} x${o.samples}`);
    profiles[p] = await repeat(o.samples, (i) => suiteRun(['--seed', String(i + 1), '--profile', p]));
  }

  step('harness overhead against a bare fetch loop');
  const mock = await startMock();
  let overhead: Awaited<ReturnType<typeof overheadPairs>>;
  try {
    mock.preload(10);
    overhead = await overheadPairs(mock.collectionUrl, Math.max(5, o.samples), 2000, 4);
  } finally {
    await mock.close();
  }

  step('generation and validation speed');
  const bodies = await repeat(o.samples, async (i) => bodiesPerSecond(2000, i + 1));
  const validations = await repeat(o.samples, async (i) => validationsPerSecond(20000, i + 1));

  step(`paging checks against ${o.sizes.join(', ')} entities x${o.samples}`);
  const scaling: Record<number, ScalingSample[]> = {};
  for (const n of o.sizes) scaling[n] = await repeat(o.samples, () => pagingAt(n));

  const wall = (runs: SuiteRun[]) => summarize(runs.map((r) => r.wallMs / 1000));
  const rss = (runs: SuiteRun[]) => summarize(runs.map((r) => r.peakRssMiB), 1);
  const requests = (runs: SuiteRun[]) => summarize(runs.map((r) => r.results.run.http?.requests ?? 0), 0);
  const perCheck: Record<string, Summary> = {};
  const perCheckSamples = defaults.map((r) => requestsPerCheck(r.results));
  for (const id of Object.keys(perCheckSamples[0])) perCheck[id] = summarize(perCheckSamples.map((s) => s[id] ?? 0), 0);
  const scalingRows = o.sizes.map((n) => {
    const ms = summarize(scaling[n].map((s) => s.ms), 1);
    return { entities: n, ms, requests: summarize(scaling[n].map((s) => s.requests), 0), msPerThousand: Number(((ms.median / n) * 1000).toFixed(1)) };
  });
  const big = scalingRows.at(-1)!;
  const mid = scalingRows.at(-2) ?? big;
  const results = {
    machine: { node: process.version, platform: `${os.type()} ${os.release()}`, cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
    date: new Date().toISOString(),
    command: 'npm run bench',
    samples: o.samples,
    suite: {
      defaultRuns: { numRuns: DEFAULT_RUNS, wallSeconds: wall(defaults), peakRssMiB: rss(defaults), requests: requests(defaults) },
      tenfoldRuns: { numRuns: DEFAULT_RUNS * 10, wallSeconds: wall(tenfold), peakRssMiB: rss(tenfold), requests: requests(tenfold) },
    },
    profiles: Object.fromEntries(
      Object.entries(profiles).map(([p, runs]) => {
        const req = requests(runs);
        const budget = DEFAULT_BUDGETS[p as keyof typeof DEFAULT_BUDGETS];
        const ran = summarize(runs.map((r) => Object.values(r.results.checks).filter((c) => c.status !== 'skipped').length), 0);
        return [p, { requests: req, checksRun: ran, wallSeconds: wall(runs), defaultBudget: budget, fitsBudget: req.max <= budget }];
      }),
    ),
    requestsPerCheck: perCheck,
    harnessOverhead: {
      requestsPerSample: 2000,
      concurrency: 4,
      bareRps: summarize(overhead.map((p) => p.bareRps), 0),
      harnessRps: summarize(overhead.map((p) => p.harnessRps), 0),
      ratio: summarize(overhead.map((p) => p.ratio), 3),
    },
    generation: { validBodiesPerSecond: summarize(bodies, 0), validationsPerSecond: summarize(validations, 0) },
    scaling: { checks: PAGING_CHECKS, rows: scalingRows, slope: Number(slope({ entities: mid.entities, ms: mid.ms.median }, { entities: big.entities, ms: big.ms.median }).toFixed(2)), slopeBetween: [mid.entities, big.entities] },
    totalSeconds: Math.round((Date.now() - started) / 1000),
  };
  mkdirSync(path.dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify(results, null, 2)}\n`);
  return results;
}

export type BenchResults = Awaited<ReturnType<typeof runBench>>;

/** The table the README's Performance section shows. */
export function benchTable(r: BenchResults): string {
  const m = (s: Summary, unit = '') => `${s.median}${unit} (${s.min}–${s.max})`;
  const rows: [string, string][] = [
    [`full suite, ${r.suite.defaultRuns.numRuns} runs/property: wall`, m(r.suite.defaultRuns.wallSeconds, ' s')],
    [`full suite, ${r.suite.defaultRuns.numRuns} runs/property: peak RSS (process tree)`, m(r.suite.defaultRuns.peakRssMiB, ' MiB')],
    [`full suite, ${r.suite.tenfoldRuns.numRuns} runs/property: wall`, m(r.suite.tenfoldRuns.wallSeconds, ' s')],
    [`full suite, ${r.suite.tenfoldRuns.numRuns} runs/property: peak RSS`, m(r.suite.tenfoldRuns.peakRssMiB, ' MiB')],
    ...Object.entries(r.profiles).map(([p, v]) => [`requests per run, profile ${p} (${v.checksRun.median} checks; budget ${v.defaultBudget})`, `${m(v.requests)}${v.fitsBudget ? '' : ' OVER BUDGET'}`] as [string, string]),
    ['harness requests/s (capture, redaction, validation)', m(r.harnessOverhead.harnessRps)],
    ['bare fetch requests/s', m(r.harnessOverhead.bareRps)],
    ['harness / bare ratio (pair by pair)', m(r.harnessOverhead.ratio)],
    ['valid create bodies generated per second', m(r.generation.validBodiesPerSecond)],
    ['schema validations per second', m(r.generation.validationsPerSecond)],
    ...r.scaling.rows.map((row) => [`paging checks, ${row.entities} entities (${row.requests.median} requests)`, `${m(row.ms, ' ms')}; ${row.msPerThousand} ms per 1000`] as [string, string]),
    [`paging time slope ${r.scaling.slopeBetween.join(' → ')} entities (1 = linear)`, String(r.scaling.slope)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const heaviest = Object.entries(r.requestsPerCheck).sort((a, b) => b[1].median - a[1].median).slice(0, 8);
  return [
    `| ${'figure'.padEnd(w)} | median (min–max), n=${r.samples} |`,
    `|${'-'.repeat(w + 2)}|---|`,
    ...rows.map(([k, v]) => `| ${k.padEnd(w)} | ${v} |`),
    '',
    `heaviest checks (requests, full profile): ${heaviest.map(([id, s]) => `${id} ${s.median}`).join(', ')}`,
  ].join('\n');
}
