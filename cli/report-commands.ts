/** `report` (HTML, merge of shards), `compare` and `expectations`. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import YAML from 'yaml';
import { createVitest } from 'vitest/node';
import { loadConfig } from '../config/config.js';
import { compareMarkdown, compareResults, regressions } from '../reports/compare.js';
import { draftExpectations } from '../reports/expectations.js';
import { generateHtml } from '../reports/html.js';
import ResultsReporter from '../reports/results-reporter.js';
import { readResults, type RunInfo } from '../reports/results.js';
import { summaryMarkdown, terminalTable } from '../reports/summary.js';
import { verdict } from '../reports/verdict.js';
import { UsageError } from './errors.js';
import { allureOptions, ROOT } from './run-command.js';

export function registerReportCommands(program: Command, setCode: (c: number) => void): void {
  const report = program.command('report').description('build reports from a run');
  report
    .command('html', { isDefault: true })
    .description('build the Allure HTML report (single file, history kept in the report folder)')
    .option('--report-dir <dir>', 'the run\'s report folder', 'reports/out')
    .action(async (o: { reportDir: string }) => {
      const r = await generateHtml(path.resolve(o.reportDir));
      process.stdout.write(`Allure report: ${r.index} (${Object.entries(r.stats).map(([k, v]) => `${k} ${v}`).join(', ')})\n`);
    });
  report
    .command('merge')
    .description('merge the blobs of sharded runs (run --shard i/n) into one results.json, junit.xml and Allure results')
    .option('--report-dir <dir>', 'the report folder the shards wrote to', 'reports/out')
    .action(async (o: { reportDir: string }) => {
      const dir = path.resolve(o.reportDir);
      const code = await mergeShards(dir, (s) => process.stdout.write(`${s}\n`));
      setCode(code);
    });
  program
    .command('compare <baseline> <current>')
    .description('classify every check as regressed, fixed, still-failing, new, removed or unchanged; exit 1 on a MUST regression')
    .option('--json <file>', 'also write the comparison as JSON')
    .option('--markdown <file>', 'also write the Markdown to a file')
    .action((baseline: string, current: string, o: { json?: string; markdown?: string }) => {
      const b = readResults(baseline);
      const c = readResults(current);
      const rows = compareResults(b, c);
      const md = compareMarkdown(rows, b, c);
      process.stdout.write(md);
      if (o.markdown) writeFileSync(o.markdown, md);
      if (o.json) writeFileSync(o.json, `${JSON.stringify({ baseline: b.run.runId, current: c.run.runId, rows }, null, 2)}\n`);
      const reg = regressions(rows);
      if (reg.length) process.stdout.write(`\n${reg.length} MUST check(s) got worse: ${reg.map((r) => r.id).join(', ')}\n`);
      setCode(reg.length ? 1 : 0);
    });
  program
    .command('expectations')
    .description('draft an expectations file listing every failure of a results file')
    .requiredOption('--from <results.json>', 'a results file')
    .option('--out <file>', 'write here (YAML or JSON by extension) instead of stdout')
    .action((o: { from: string; out?: string }) => {
      const res = readResults(o.from);
      const draft = draftExpectations(res.checks, res.run.target);
      const text = o.out?.endsWith('.json') ? `${JSON.stringify(draft, null, 2)}\n` : `# Known deviations of ${res.run.target}; replace every TODO reason, add a link.\n${YAML.stringify(draft)}`;
      if (o.out) writeFileSync(o.out, text);
      else process.stdout.write(text);
    });
}

/** Replays shard blobs through the same reporters as a single run; returns the gate's exit code. */
export async function mergeShards(dir: string, log: (s: string) => void): Promise<number> {
  const blobs = path.join(dir, 'blobs');
  if (!existsSync(blobs) || !readdirSync(blobs).some((f) => f.startsWith('blob-'))) throw new UsageError(`no shard blobs in ${blobs}; run "datashare-conformance run --shard 1/2 --report-dir ${dir}" (and 2/2) first`);
  const shards = path.join(dir, 'shards');
  const runFiles = existsSync(shards) ? readdirSync(shards).filter((f) => f.startsWith('run-')).sort() : [];
  if (!runFiles.length) throw new UsageError(`no run info in ${shards}: the blobs were not written by "datashare-conformance run --shard"`);
  const run = JSON.parse(readFileSync(path.join(shards, runFiles[0]), 'utf8')) as RunInfo & { failOn: 'must' | 'should' };
  const cfg = loadConfig({ reportDir: dir }, {});
  const resultsFile = path.join(dir, 'results.json');
  const vitest = await createVitest('test', {
    root: ROOT,
    config: path.join(ROOT, 'suites/vitest.suites.config.ts'),
    mergeReports: blobs,
    reporters: [new ResultsReporter({ file: resultsFile, run }), ['junit', { outputFile: path.join(dir, 'junit.xml'), suiteName: 'datashare-conformance' }], ['allure-vitest/reporter', allureOptions(cfg, run)]],
  });
  try {
    await vitest.mergeReports();
  } finally {
    await vitest.close();
  }
  const res = readResults(resultsFile);
  const v = verdict(res.checks, run.failOn ?? 'must');
  writeFileSync(path.join(dir, 'summary.md'), summaryMarkdown(res, v.text));
  log(terminalTable(res));
  log(`${v.code === 0 ? 'PASS' : v.code === 1 ? 'FAIL' : 'ERROR'}: ${v.text} (merged from ${runFiles.length} shard(s)). Results: ${resultsFile}`);
  return v.code;
}
