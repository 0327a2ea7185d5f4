/** `datashare-conformance bench`: suite speed, request economy, harness overhead, generation speed, scaling. */
import path from 'node:path';
import type { Command } from 'commander';
import { benchTable, runBench } from '../bench/run-bench.js';
import { UsageError } from './errors.js';
import { ROOT } from './run-command.js';

const whole = (name: string, v: string, min: number, max: number) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${v}"`);
  return n;
};

export function registerBenchCommand(program: Command, setCode: (c: number) => void): void {
  program
    .command('bench')
    .description('measure suite wall time and memory, requests per profile and check, harness overhead, generation speed, paging scaling')
    .option('--samples <n>', 'measurements per figure (the median is reported with min and max)', '3')
    .option('--sizes <list>', 'collection sizes for the paging scaling figure', '10,100,1000,10000')
    .option('--out <file>', 'where the JSON results go', path.join(ROOT, 'bench', 'results.json'))
    .action(async (o: { samples: string; sizes: string; out: string }) => {
      const samples = whole('--samples', o.samples, 1, 20);
      const sizes = o.sizes.split(',').map((s) => whole('--sizes', s.trim(), 1, 100000));
      if (sizes.length < 2) throw new UsageError('--sizes needs at least two sizes to show how time grows');
      const r = await runBench({ samples, sizes, out: path.resolve(o.out), log: (s) => process.stderr.write(`${s}\n`) });
      process.stdout.write(`${benchTable(r)}\n\nwritten to ${path.resolve(o.out)} in ${r.totalSeconds} s\n`);
      setCode(0);
    });
}
