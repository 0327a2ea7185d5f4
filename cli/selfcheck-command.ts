/** `datashare-conformance selfcheck`: proves every check against the mock's defects; prints the kill matrix. */
import type { Command } from 'commander';
import { formatKillMatrix, killMatrix } from '../selfcheck/kill-matrix.js';

export function registerSelfcheckCommand(program: Command, setCode: (c: number) => void): void {
  program
    .command('selfcheck')
    .description('run every check against the clean mock, each defect and each allowed behaviour; print the kill matrix')
    .option('--seed <n>', 'fast-check seed', '1')
    .option('--runs <n>', 'runs per property', '10')
    .action(async (o: { seed: string; runs: string }) => {
      const started = Date.now();
      const m = await killMatrix({ seed: Number(o.seed), numRuns: Number(o.runs), onVariant: (v) => process.stderr.write(`  ${v.kind} ${v.name}\n`) });
      process.stdout.write(`${formatKillMatrix(m)}\n(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      setCode(m.problems.length ? 1 : 0);
    });
}
