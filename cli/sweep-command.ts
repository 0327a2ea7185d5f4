/** `datashare-conformance sweep`: delete what earlier runs left, from their ledgers (and, if asked, by marker). */
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { tokenProvider } from '../target/auth.js';
import { HttpClient } from '../target/http.js';
import { Ledger, ledgerFiles } from '../target/ledger.js';
import { redact } from '../target/redact.js';
import { FlowApi } from '../target/resource.js';
import { sweep } from '../target/sweep.js';
import { UsageError } from './errors.js';
import { addTargetOptions, configFlags } from './target-options.js';

export function registerSweepCommand(program: Command, setCode: (c: number) => void): void {
  const cmd = program
    .command('sweep')
    .description('delete resources that earlier runs left behind, from the ledgers in the report folder')
    .option('--ledger <file>', 'one ledger file instead of every ledger in the report folder')
    .option('--marker-run <runId>', 'also delete entities whose displayName carries this run\'s marker (dsc-<runId>-), found by listing')
    .option('--dry-run', 'list what would be deleted, delete nothing');
  addTargetOptions(cmd);
  cmd.action(async (o: Record<string, string | boolean | undefined>) => {
    const cfg = loadConfig(configFlags(o));
    if (!cfg.baseUrl) throw new UsageError('sweep needs the target: --base-url (or DSC_BASE_URL)');
    if (o.markerRun !== undefined && !/^[\w-]+$/.test(String(o.markerRun))) throw new UsageError(`--marker-run must be a run id such as 20261203194301ab12, got "${o.markerRun}"`);
    const ledgers = o.ledger ? [path.resolve(String(o.ledger))] : ledgerFiles(cfg.reportDir);
    const tokens = tokenProvider(cfg);
    const http = new HttpClient({ timeoutMs: cfg.timeoutMs, maxRetries: cfg.maxRetries, maxRetryWaitMs: cfg.maxRetryWaitMs, requestBudget: cfg.requestBudget, concurrency: cfg.concurrency, tokens });
    const api = new FlowApi(http, cfg.baseUrl, cfg.collectionPath, new Ledger(cfg.reportDir, `sweep-${cfg.runId}`));
    const rep = await sweep(api, { ledgers, markerRunIds: o.markerRun ? [String(o.markerRun)] : [], dryRun: !!o.dryRun, log: (l) => process.stdout.write(`${redact(l)}\n`) });
    for (const r of rep.refused) process.stdout.write(`refused: ${redact(r)}\n`);
    for (const f of rep.failures) process.stderr.write(`failed: ${redact(f)}\n`);
    setCode(rep.failures.length ? 2 : 0);
  });
}
