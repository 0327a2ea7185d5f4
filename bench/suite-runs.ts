/** Full runs of the real CLI against the embedded mock: wall time, peak memory of the process tree, requests. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultsFile } from '../reports/results.js';
import { watchPeakRss } from './process-tree.js';

const BIN = fileURLToPath(new URL('../bin/datashare-conformance.mjs', import.meta.url));

export interface SuiteRun {
  code: number | null;
  wallMs: number;
  peakRssMiB: number;
  results: ResultsFile;
}

export class BenchRunError extends Error {}

/** One `datashare-conformance run` with these arguments; fails unless it exits 0 (a bench measures a clean run). */
export async function suiteRun(args: string[]): Promise<SuiteRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dsc-bench-'));
  try {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, 'run', '--report-dir', dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const watch = watchPeakRss(child.pid!);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    const wallMs = performance.now() - started;
    const peakRssMiB = watch.stop();
    if (code !== 0) throw new BenchRunError(`run ${args.join(' ')} exited ${code}:\n${out.slice(-2000)}`);
    const results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as ResultsFile;
    return { code, wallMs, peakRssMiB, results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Requests per check id of one run (skipped checks send none). */
export function requestsPerCheck(r: ResultsFile): Record<string, number> {
  return Object.fromEntries(Object.entries(r.checks).map(([id, c]) => [id, c.http?.requests ?? 0]));
}
