/** results.json: run info plus one record per check id; the source of JUnit-independent summaries and diffs. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckResult, Severity, Status } from '../checks/types.js';
import { readDataFile } from '../config/data-file.js';
import { redactValue } from '../target/redact.js';

export interface RunInfo {
  runId: string;
  startedAt: string;
  finishedAt?: string;
  target: string;
  profile: string;
  seed: number;
  numRuns: number;
  node: string;
  suiteVersion: string;
  collectionPath: string;
  cloud: string;
  http?: { requests: number; retries: number; waitedMs: number };
  interrupted?: boolean;
}

export type CheckRecord = Omit<CheckResult, 'exchanges'> & {
  /** a listed expectation covers this result */
  expected?: boolean;
  expectationReason?: string;
};

export interface ResultsFile {
  schemaVersion: 1;
  run: RunInfo;
  checks: Record<string, CheckRecord>;
}

export class ResultsFileError extends Error {
  readonly harness = true;
}

export function toRecord(r: CheckResult): CheckRecord {
  const { exchanges: _x, ...rest } = r;
  return rest;
}

export function writeResults(file: string, data: ResultsFile): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(redactValue(data), null, 2)}\n`);
}

const STATUSES: Status[] = ['pass', 'fail', 'error', 'skipped', 'unsupported'];
const SEVERITIES: Severity[] = ['MUST', 'SHOULD', 'MAY'];

/** Reads and validates a results file; a clear error when it is not one. */
export function readResults(file: string): ResultsFile {
  let data: any;
  try {
    data = readDataFile(file, 'results file');
  } catch (e) {
    throw new ResultsFileError((e as Error).message);
  }
  if (data?.schemaVersion !== 1 || typeof data.run !== 'object' || typeof data.checks !== 'object' || data.checks === null) {
    throw new ResultsFileError(`"${file}" is not a datashare-conformance results file (expected schemaVersion 1 with "run" and "checks")`);
  }
  for (const [id, c] of Object.entries<any>(data.checks)) {
    if (!STATUSES.includes(c?.status) || !SEVERITIES.includes(c?.severity)) throw new ResultsFileError(`results file "${file}": check "${id}" has no valid status/severity`);
  }
  return data as ResultsFile;
}

export function counts(checks: Record<string, CheckRecord>): Record<Status, number> {
  const out: Record<Status, number> = { pass: 0, fail: 0, error: 0, skipped: 0, unsupported: 0 };
  for (const c of Object.values(checks)) out[c.status] += 1;
  return out;
}
