/** `datashare-conformance run`: the main job. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { createVitest } from 'vitest/node';
import { selectChecks } from '../checks/registry.js';
import { type Config, describeConfig, loadConfig } from '../config/config.js';
import { startMock, type MockServer } from '../mock/server.js';
import { applyExpectations, loadExpectations } from '../reports/expectations.js';
import ResultsReporter from '../reports/results-reporter.js';
import { type CheckRecord, type ResultsFile, type RunInfo, writeResults } from '../reports/results.js';
import { summaryMarkdown, terminalTable } from '../reports/summary.js';
import { verdict } from '../reports/verdict.js';
import { tokenProvider } from '../target/auth.js';
import { HarnessError } from '../target/errors.js';
import { HttpClient } from '../target/http.js';
import { Ledger } from '../target/ledger.js';
import { redact, registerSecret } from '../target/redact.js';
import { FlowApi } from '../target/resource.js';
import { sweep } from '../target/sweep.js';
import { UsageError } from './errors.js';
import { addTargetOptions, configFlags } from './target-options.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VERSION = '0.1.0';

export interface RunOutcome {
  code: number;
  results?: ResultsFile;
}

export function registerRunCommand(program: Command, setCode: (c: number) => void): void {
  const cmd = program
    .command('run')
    .description('run the conformance suites against a target (default: the embedded reference mock)')
    .option('--checks <ids>', 'only these check ids or areas (comma-separated)')
    .option('--replay-path <path>', 'fast-check path to replay a counterexample (with --seed)')
    .option('--fail-on <level>', 'must (default) or should: which failed checks fail the run')
    .option('--expectations <file>', 'known deviations of this target (JSON or YAML)')
    .option('--mock-defect <ids>', 'embedded mock only: switch on defects (comma-separated)')
    .option('--mock-behaviour <ids>', 'embedded mock only: switch on allowed alternative behaviours')
    .option('--print-config', 'print the effective configuration (secrets redacted) and exit')
    .option('--shard <i/n>', 'run one shard of the suite files (vitest --shard); merge with "report merge"');
  addTargetOptions(cmd);
  cmd.action(async (o: Record<string, string | boolean | undefined>) => {
    const cfg = loadConfig(configFlags(o));
    if (o.printConfig) {
      process.stdout.write(`${JSON.stringify(describeConfig(cfg), null, 2)}\n`);
      return;
    }
    const outcome = await runConformance(cfg, { shard: o.shard as string | undefined });
    setCode(outcome.code);
  });
}

/** Runs the suites; returns the exit code (0, 1 or 2) and the results. */
export async function runConformance(cfg: Config, opts: { shard?: string; log?: (s: string) => void; quiet?: boolean } = {}): Promise<RunOutcome> {
  const log = opts.log ?? ((s: string) => process.stdout.write(`${redact(s)}\n`));
  const selected = selectChecks(cfg.checks);
  // a bad expectations file stops the run before it starts, not after the suite ran
  const expectations = cfg.expectations ? loadExpectations(cfg.expectations) : undefined;
  if (opts.shard && !/^\d+\/\d+$/.test(opts.shard)) throw new Error(`--shard must look like 1/2, got "${opts.shard}"`);
  let mock: MockServer | undefined;
  let runCfg: Config = cfg;
  let baseUrl = cfg.baseUrl;
  if (!baseUrl) {
    // the embedded mock enforces a token (the configured one, or a fresh one) so that the auth checks run too
    if (cfg.auth === 'msal') throw new UsageError('auth "msal" needs a real target: set --base-url (the embedded mock accepts a static token only)');
    const token = cfg.auth === 'token' && cfg.token ? cfg.token : `dsc-mock-${randomBytes(12).toString('hex')}`;
    mock = await startMock({ token, defects: cfg.mockDefects, behaviours: cfg.mockBehaviours, collectionPath: cfg.collectionPath });
    baseUrl = mock.baseUrl;
    if (cfg.auth === 'none') runCfg = Object.freeze({ ...cfg, auth: 'token' as const, token });
  }
  registerSecret(runCfg.token);
  registerSecret(runCfg.clientSecret);
  registerSecret(runCfg.certificateKey);
  if (!mock) await preflight(runCfg, baseUrl);
  const target = mock ? `embedded reference mock (${mock.baseUrl})${cfg.mockDefects.length ? ` with defects ${cfg.mockDefects.join(',')}` : ''}` : baseUrl;
  mkdirSync(cfg.reportDir, { recursive: true });
  for (const stale of opts.shard ? [] : ['allure-results', 'results.json', 'junit.xml', 'summary.md', 'blobs', 'shards']) rmSync(path.join(cfg.reportDir, stale), { recursive: true, force: true });

  log(`datashare-conformance ${VERSION}: run ${cfg.runId}`);
  log(`target ${target}; profile ${cfg.profile}; seed ${cfg.seed}; ${cfg.numRuns} runs per property; ${selected.length} checks`);
  log(`report folder ${cfg.reportDir}`);

  const run: RunInfo = {
    runId: cfg.runId,
    startedAt: new Date().toISOString(),
    target: redact(mock ? 'embedded-mock' : baseUrl),
    profile: cfg.profile,
    seed: cfg.seed,
    numRuns: cfg.numRuns,
    node: process.version,
    suiteVersion: VERSION,
    collectionPath: cfg.collectionPath,
    cloud: cfg.cloud,
  };
  const resultsFile = path.join(cfg.reportDir, 'results.json');
  let records: Record<string, CheckRecord> | undefined;
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const vitest = await createVitest(
    'test',
    {
      root: ROOT,
      config: path.join(ROOT, 'suites/vitest.suites.config.ts'),
      run: true,
      watch: false,
      shard: opts.shard,
      reporters: opts.shard
        ? [['blob', { outputFile: path.join(cfg.reportDir, 'blobs', `blob-${opts.shard.replace('/', '-')}.json`) }]]
        : [
            opts.quiet ? ['dot'] : ['dot'],
            new ResultsReporter({ file: resultsFile, run, onResults: (r) => (records = r) }),
            ['junit', { outputFile: path.join(cfg.reportDir, 'junit.xml'), suiteName: 'datashare-conformance' }],
            ['allure-vitest/reporter', allureOptions(cfg, run)],
          ],
      provide: { dsc: { cfg: runCfg, baseUrl, target: run.target } },
    },
    {},
  );
  // vitest's logger exits the process on SIGINT/SIGTERM; this command must clean up first, so it takes them over
  for (const sig of ['SIGINT', 'SIGTERM'] as const) for (const l of process.listeners(sig)) if (!before[sig].includes(l)) process.off(sig, l);
  let interrupted = false;
  const onSignal = (sig: string) => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${sig}: stopping the run, cleaning up what it created`);
    void vitest.cancelCurrentRun('keyboard-input');
  };
  const sigint = () => onSignal('SIGINT');
  const sigterm = () => onSignal('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);
  try {
    await vitest.start([]);
  } finally {
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
    await vitest.close();
  }

  // the run's own leftovers: the ledger, and anything carrying its marker (e.g. created by a request the target refused)
  const tokens = tokenProvider(runCfg);
  const http = new HttpClient({ timeoutMs: cfg.timeoutMs, maxRetries: cfg.maxRetries, maxRetryWaitMs: cfg.maxRetryWaitMs, requestBudget: 100000, concurrency: 4, tokens });
  const ledger = new Ledger(cfg.reportDir, cfg.runId);
  const api = new FlowApi(http, baseUrl, cfg.collectionPath, ledger);
  let leftovers = 0;
  if (cfg.profile !== 'read-only') {
    try {
      const rep = await sweep(api, { ledgers: existsSync(ledger.file) ? [ledger.file] : [], markerRunIds: [cfg.runId] });
      leftovers = rep.failures.length + rep.refused.length;
      if (rep.planned.length) log(`cleanup: ${rep.deleted} deleted, ${rep.alreadyGone} already gone${leftovers ? `, ${leftovers} left (see ${ledger.file})` : ''}`);
    } catch (e) {
      log(`cleanup failed: ${(e as Error).message}; run "datashare-conformance sweep --report-dir ${cfg.reportDir}" later`);
      leftovers += 1;
    }
  }
  if (mock) await mock.close();

  if (opts.shard) {
    // run info beside the blobs: vitest reads every file in the blob folder as a blob
    mkdirSync(path.join(cfg.reportDir, 'shards'), { recursive: true });
    writeFileSync(path.join(cfg.reportDir, 'shards', `run-${opts.shard.replace('/', '-')}.json`), `${JSON.stringify({ ...run, failOn: cfg.failOn })}\n`);
    log(`shard ${opts.shard} written to ${path.join(cfg.reportDir, 'blobs')}; merge with "datashare-conformance report merge --report-dir ${cfg.reportDir}"`);
    return { code: 0 };
  }
  const checks = records ?? {};
  for (const def of selected) {
    checks[def.id] ??= { id: def.id, area: def.area, title: def.title, severity: def.severity, rule: def.rule, status: interrupted ? 'skipped' : 'error', durationMs: 0, message: interrupted ? 'not run: the run was interrupted' : 'did not run (its suite file failed to load or the run stopped early)' };
  }
  const applied = applyExpectations(checks, expectations);
  const traffic = Object.values(checks).reduce((a, c) => ({ requests: a.requests + (c.http?.requests ?? 0), retries: a.retries + (c.http?.retries ?? 0), waitedMs: a.waitedMs + (c.http?.waitedMs ?? 0) }), { requests: 0, retries: 0, waitedMs: 0 });
  const results: ResultsFile = { schemaVersion: 1, run: { ...run, finishedAt: new Date().toISOString(), interrupted: interrupted || undefined, http: traffic }, checks: applied.checks };
  writeResults(resultsFile, results);
  const v = verdict(applied.checks, cfg.failOn);
  const code = interrupted ? 2 : leftovers && v.code === 0 ? 2 : v.code;
  writeFileSync(path.join(cfg.reportDir, 'summary.md'), summaryMarkdown(results, v.text));
  log('');
  log(terminalTable(results));
  log(`requests ${traffic.requests}, retries (429/503/dropped GET) ${traffic.retries}, waited ${traffic.waitedMs} ms for Retry-After`);
  const flaky = Object.values(applied.checks).filter((c) => c.flakiness === 'intermittent').map((c) => c.id);
  if (flaky.length) log(`intermittent (failed, then passed on re-run): ${flaky.join(', ')}`);
  for (const u of applied.unexpectedPasses) log(`UNEXPECTED PASS ${u}: listed in ${cfg.expectations} but passed; remove the entry`);
  log('');
  log(`${code === 0 ? 'PASS' : code === 1 ? 'FAIL' : 'ERROR'}: ${interrupted ? 'interrupted' : v.text}. Results: ${resultsFile}`);
  return { code, results };
}

/** One request before anything else: an unreachable target or refused credentials end the run at once (exit 2). */
async function preflight(cfg: Config, baseUrl: string): Promise<void> {
  const http = new HttpClient({ timeoutMs: cfg.timeoutMs, maxRetries: cfg.maxRetries, maxRetryWaitMs: cfg.maxRetryWaitMs, requestBudget: 10, concurrency: 1, tokens: tokenProvider(cfg) });
  try {
    await http.request(`${baseUrl}${cfg.collectionPath}?$top=1`);
  } catch (e) {
    throw new HarnessError((e as HarnessError).kind ?? 'network', `target not usable: ${(e as Error).message}`);
  }
}

export function allureOptions(cfg: Config, run: RunInfo) {
  return {
    resultsDir: path.join(cfg.reportDir, 'allure-results'),
    reportMatchers: false,
    environmentInfo: { target: run.target, profile: run.profile, seed: String(run.seed), runId: run.runId, node: run.node, suite: run.suiteVersion },
    categories: [
      { name: 'Conformance failures', matchedStatuses: ['failed'] },
      { name: 'Harness or environment errors', matchedStatuses: ['broken'] },
      { name: 'Unsupported capabilities', matchedStatuses: ['skipped'], messageRegex: '.*unsupported.*' },
      { name: 'Skipped by profile or configuration', matchedStatuses: ['skipped'] },
    ],
  };
}
