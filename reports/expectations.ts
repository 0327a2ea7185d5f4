/** Known deviations of a target, by check id: a listed failure is expected and does not fail the gate. */
import { CHECKS } from '../checks/registry.js';
import { readDataFile } from '../config/data-file.js';
import type { Status } from '../checks/types.js';
import type { CheckRecord } from './results.js';

export interface Expectation {
  id: string;
  /** the status(es) this check is known to end with: fail, error, or both for intermittent ones */
  expected: Status | Status[];
  reason: string;
  link?: string;
}

export interface ExpectationsFile {
  target?: string;
  expectations: Expectation[];
}

export class ExpectationsError extends Error {
  readonly harness = true;
}

export function loadExpectations(file: string): ExpectationsFile {
  let data: any;
  try {
    data = readDataFile(file, 'expectations file');
  } catch (e) {
    throw new ExpectationsError((e as Error).message);
  }
  if (!data || !Array.isArray(data.expectations)) throw new ExpectationsError(`expectations file "${file}" needs a list "expectations:" of { id, expected, reason }`);
  const seen = new Set<string>();
  for (const [i, e] of data.expectations.entries()) {
    const where = `expectations file "${file}", entry ${i + 1}`;
    if (typeof e?.id !== 'string') throw new ExpectationsError(`${where}: "id" is missing`);
    if (!CHECKS.has(e.id)) throw new ExpectationsError(`${where}: unknown check id "${e.id}" (list ids with "datashare-conformance checks")`);
    if (seen.has(e.id)) throw new ExpectationsError(`${where}: "${e.id}" is listed twice`);
    seen.add(e.id);
    const statuses = Array.isArray(e.expected) ? e.expected : [e.expected];
    if (!statuses.length || statuses.some((s: unknown) => !['pass', 'fail', 'error'].includes(s as string))) throw new ExpectationsError(`${where}: "expected" must be fail, error, or a list of pass/fail/error`);
    if (typeof e.reason !== 'string' || !e.reason.trim()) throw new ExpectationsError(`${where}: "reason" is required`);
  }
  return data as ExpectationsFile;
}

export interface Applied {
  checks: Record<string, CheckRecord>;
  /** listed as failing, but passed: the entry can go */
  unexpectedPasses: string[];
}

export function applyExpectations(checks: Record<string, CheckRecord>, file: ExpectationsFile | undefined): Applied {
  const out: Record<string, CheckRecord> = {};
  const unexpectedPasses: string[] = [];
  const byId = new Map((file?.expectations ?? []).map((e) => [e.id, e]));
  for (const [id, c] of Object.entries(checks)) {
    const e = byId.get(id);
    if (!e) {
      out[id] = c;
      continue;
    }
    const statuses = Array.isArray(e.expected) ? e.expected : [e.expected];
    const expected = statuses.includes(c.status);
    if (c.status === 'pass' && !expected) unexpectedPasses.push(id);
    out[id] = { ...c, expected: expected && c.status !== 'pass' ? true : undefined, expectationReason: expected ? e.reason : undefined };
  }
  return { checks: out, unexpectedPasses };
}

/** A draft expectations file from a results file: every fail/error listed with a TODO reason. */
export function draftExpectations(checks: Record<string, CheckRecord>, target: string): ExpectationsFile {
  return {
    target,
    expectations: Object.values(checks)
      .filter((c) => c.status === 'fail' || c.status === 'error')
      .map((c) => ({ id: c.id, expected: c.status, reason: `TODO: why ${c.id} is accepted for this target (${(c.message ?? '').split('\n')[0].slice(0, 100)})` })),
  };
}
