/** A vitest reporter that writes results.json from the CheckResult each test carries as meta (works after --merge-reports too). */
import type { TestModule } from 'vitest/node';
import type { Reporter } from 'vitest/reporters';
import type { CheckResult } from '../checks/types.js';
import { type CheckRecord, type RunInfo, toRecord, writeResults } from './results.js';

export interface ResultsReporterOptions {
  file: string;
  run: RunInfo;
  /** called with the records once the run ends (the CLI uses it instead of re-reading the file) */
  onResults?: (records: Record<string, CheckRecord>) => void;
}

export default class ResultsReporter implements Reporter {
  constructor(private opts: ResultsReporterOptions) {}

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const checks: Record<string, CheckRecord> = {};
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const r = (t.meta() as { dsc?: CheckResult }).dsc;
        if (r) checks[r.id] = toRecord(r);
      }
    }
    const sorted = Object.fromEntries(Object.keys(checks).sort().map((k) => [k, checks[k]]));
    writeResults(this.opts.file, { schemaVersion: 1, run: { ...this.opts.run, finishedAt: new Date().toISOString() }, checks: sorted });
    this.opts.onResults?.(sorted);
  }
}
