/** The CLI flags shared by commands that talk to a target; mapped onto config setting names. */
import type { Command } from 'commander';

const FLAGS: [string, string, string][] = [
  ['--base-url <url>', 'baseUrl', 'target base URL, e.g. https://graph.microsoft.com/beta (default: embedded mock)'],
  ['--collection-path <path>', 'collectionPath', 'collection path below the base URL'],
  ['--cloud <name>', 'cloud', 'global, usgov, dod or china'],
  ['--auth <mode>', 'auth', 'none, token or msal'],
  ['--token <token>', 'token', 'static bearer token (prefer DSC_TOKEN)'],
  ['--tenant-id <id>', 'tenantId', 'tenant for msal (AZURE_TENANT_ID)'],
  ['--client-id <id>', 'clientId', 'application id for msal (AZURE_CLIENT_ID)'],
  ['--certificate-path <file>', 'certificatePath', 'PEM with private key and certificate (AZURE_CLIENT_CERTIFICATE_PATH)'],
  ['--profile <name>', 'profile', 'full, tenant-safe or read-only'],
  ['--seed <n>', 'seed', 'fast-check seed (printed and recorded every run)'],
  ['--runs <n>', 'numRuns', 'runs per property'],
  ['--request-budget <n>', 'requestBudget', 'maximum requests in a run'],
  ['--concurrency <n>', 'concurrency', 'maximum requests in flight per worker'],
  ['--timeout-ms <n>', 'timeoutMs', 'timeout of one request'],
  ['--max-retries <n>', 'maxRetries', 'retries of a 429/503'],
  ['--max-retry-wait-ms <n>', 'maxRetryWaitMs', 'total Retry-After wait per request'],
  ['--invitee-ids <ids>', 'inviteeIds', 'directory object ids the target accepts in inviteeUserIds, comma-separated (default: what getPotentialDataShareInvitees offers)'],
  ['--report-dir <dir>', 'reportDir', 'where results, ledgers and reports go'],
  ['--config <file>', 'configFile', 'a JSON or YAML file of settings'],
];

export function addTargetOptions(cmd: Command): Command {
  for (const [flag, , help] of FLAGS) cmd.option(flag, help);
  cmd.option('--allow-writes', 'confirm that a writing profile may create and delete its own resources on a non-loopback target');
  return cmd;
}

/** Commander's parsed options -> config flags (strings, by setting name). */
export function configFlags(o: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [flag, key] of FLAGS) {
    const opt = flag.slice(2).split(' ')[0].replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (o[opt] !== undefined) out[key] = String(o[opt]);
  }
  if (o.allowWrites) out.allowWrites = 'true';
  for (const k of ['checks', 'replayPath', 'failOn', 'expectations']) if (o[k] !== undefined) out[k] = String(o[k]);
  if (o.mockDefect !== undefined) out.mockDefects = String(o.mockDefect);
  if (o.mockBehaviour !== undefined) out.mockBehaviours = String(o.mockBehaviour);
  return out;
}
