/**
 * Ends `npm test` with the plain closing line CI reads: "N passed, N failed, N skipped". A test file that fails to
 * load (no tests collected) and an unhandled error each count as a failure, so the line never reads green over one.
 */
import type { SerializedError } from 'vitest';
import type { TestModule } from 'vitest/node';
import type { Reporter } from 'vitest/reporters';

export default class CountReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    const n = { passed: 0, failed: unhandledErrors.length, skipped: 0 };
    for (const m of modules) {
      let failedTests = 0;
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') n.passed++;
        else if (s === 'failed') failedTests++;
        else n.skipped++;
      }
      n.failed += failedTests;
      if (failedTests === 0 && (m.state() === 'failed' || m.errors().length > 0)) n.failed++;
    }
    process.stdout.write(`\n${n.passed} passed, ${n.failed} failed, ${n.skipped} skipped\n`);
  }
}
