/** The gate: which results fail the run (DR 0013). */
import type { CheckRecord } from './results.js';

export interface Verdict {
  code: 0 | 1 | 2;
  text: string;
  unexpectedFailures: CheckRecord[];
  errors: CheckRecord[];
}

export function verdict(checks: Record<string, CheckRecord>, failOn: 'must' | 'should'): Verdict {
  const gating = (c: CheckRecord) => c.severity === 'MUST' || (failOn === 'should' && c.severity === 'SHOULD');
  const unexpectedFailures = Object.values(checks).filter((c) => c.status === 'fail' && !c.expected && gating(c));
  const errors = Object.values(checks).filter((c) => c.status === 'error');
  if (unexpectedFailures.length) return { code: 1, text: `${unexpectedFailures.length} unexpected conformance failure(s)`, unexpectedFailures, errors };
  if (errors.length) return { code: 2, text: `${errors.length} check(s) could not be evaluated (harness or environment errors)`, unexpectedFailures, errors };
  return { code: 0, text: 'conformant (no unexpected failure)', unexpectedFailures, errors };
}
