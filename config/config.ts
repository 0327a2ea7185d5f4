/**
 * The one typed configuration module and the only reader of the environment.
 * Precedence: CLI flags > environment > config file > defaults. Empty values count as unset.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readDataFile } from './data-file.js';

export class ConfigError extends Error {
  readonly harness = true;
}

export const CLOUDS = {
  global: { graphRoot: 'https://graph.microsoft.com', authorityHost: 'https://login.microsoftonline.com' },
  usgov: { graphRoot: 'https://graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' },
  dod: { graphRoot: 'https://dod-graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' },
  china: { graphRoot: 'https://microsoftgraph.chinacloudapi.cn', authorityHost: 'https://login.chinacloudapi.cn' },
} as const;
export type Cloud = keyof typeof CLOUDS;
export type AuthMode = 'none' | 'token' | 'msal';
export type Profile = 'full' | 'tenant-safe' | 'read-only';
export const PROFILES: Profile[] = ['full', 'tenant-safe', 'read-only'];

export interface Config {
  /** undefined: start the embedded reference mock */
  baseUrl?: string;
  collectionPath: string;
  cloud: Cloud;
  graphRoot: string;
  authorityHost: string;
  scope: string;
  auth: AuthMode;
  token?: string;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  certificatePath?: string;
  /** PEM private key read from certificatePath (never printed) */
  certificateKey?: string;
  certificateThumbprintSha256?: string;
  certificateX5c?: string;
  sendX5c: boolean;
  profile: Profile;
  allowWrites: boolean;
  seed: number;
  numRuns: number;
  requestBudget: number;
  concurrency: number;
  timeoutMs: number;
  maxRetries: number;
  maxRetryWaitMs: number;
  reportDir: string;
  runId: string;
  failOn: 'must' | 'should';
  expectations?: string;
  checks?: string[];
  /** directory object ids that the target accepts in inviteeUserIds (DR 0016); discovered when unset */
  inviteeIds?: string[];
  /** times a failed check is run again to classify it deterministic or intermittent */
  rerunFailed: number;
  /** fast-check path of a counterexample to replay (with seed) */
  replayPath?: string;
  /** mock options when the embedded mock is used */
  mockDefects: string[];
  mockBehaviours: string[];
}

/** Setting name -> environment variable. Azure names where they exist, DSC_ for the rest. */
export const ENV: Record<string, string> = {
  baseUrl: 'DSC_BASE_URL',
  collectionPath: 'DSC_COLLECTION_PATH',
  cloud: 'DSC_CLOUD',
  auth: 'DSC_AUTH',
  token: 'DSC_TOKEN',
  tenantId: 'AZURE_TENANT_ID',
  clientId: 'AZURE_CLIENT_ID',
  clientSecret: 'AZURE_CLIENT_SECRET',
  certificatePath: 'AZURE_CLIENT_CERTIFICATE_PATH',
  certificateThumbprintSha256: 'DSC_CERTIFICATE_THUMBPRINT_SHA256',
  sendX5c: 'DSC_SEND_X5C',
  profile: 'DSC_PROFILE',
  allowWrites: 'DSC_ALLOW_WRITES',
  seed: 'DSC_SEED',
  numRuns: 'DSC_RUNS',
  requestBudget: 'DSC_REQUEST_BUDGET',
  concurrency: 'DSC_CONCURRENCY',
  timeoutMs: 'DSC_TIMEOUT_MS',
  maxRetries: 'DSC_MAX_RETRIES',
  maxRetryWaitMs: 'DSC_MAX_RETRY_WAIT_MS',
  reportDir: 'DSC_REPORT_DIR',
  failOn: 'DSC_FAIL_ON',
  expectations: 'DSC_EXPECTATIONS',
  checks: 'DSC_CHECKS',
  inviteeIds: 'DSC_INVITEE_IDS',
  replayPath: 'DSC_REPLAY_PATH',
  rerunFailed: 'DSC_RERUN_FAILED',
  mockDefects: 'DSC_MOCK_DEFECTS',
  mockBehaviours: 'DSC_MOCK_BEHAVIOURS',
  configFile: 'DSC_CONFIG',
};

export const SECRET_SETTINGS = ['token', 'clientSecret', 'certificateKey'] as const;

/** Default request budget per profile: the tenant-safe figure is the one the README promises. */
export const DEFAULT_BUDGET: Record<Profile, number> = { full: 20000, 'tenant-safe': 1500, 'read-only': 300 };

type Raw = Record<string, string | undefined>;

const isLoopback = (u: URL) => ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(u.hostname) || u.hostname.startsWith('127.');

function readConfigFile(file: string): Raw {
  let data: unknown;
  try {
    data = readDataFile(file, 'config file');
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`config file "${file}" must hold an object of settings`);
  const out: Raw = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (!(k in ENV) || k === 'configFile') throw new ConfigError(`config file "${file}": unknown setting "${k}"; known: ${Object.keys(ENV).filter((x) => x !== 'configFile').join(', ')}`);
    out[k] = Array.isArray(v) ? v.join(',') : v === null || v === undefined ? undefined : String(v);
  }
  return out;
}

const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

/**
 * Resolves the configuration. `flags` are CLI values by setting name; `env` defaults to process.env.
 * Throws ConfigError with one message naming the setting and what is allowed.
 */
export function loadConfig(flags: Raw = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const fileName = nonEmpty(flags.configFile) ?? nonEmpty(env[ENV.configFile]);
  const file = fileName ? readConfigFile(fileName) : {};
  const get = (k: string): string | undefined => nonEmpty(flags[k]) ?? nonEmpty(env[ENV[k]]) ?? nonEmpty(file[k]);
  const where = (k: string) => (nonEmpty(flags[k]) ? `--${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}` : nonEmpty(env[ENV[k]]) ? ENV[k] : nonEmpty(file[k]) ? `${k} in ${fileName}` : k);
  const oneOf = <T extends string>(k: string, allowed: readonly T[], dflt: T): T => {
    const v = get(k);
    if (v === undefined) return dflt;
    if (!allowed.includes(v as T)) throw new ConfigError(`${where(k)} must be one of ${allowed.join(', ')}; got "${v}"`);
    return v as T;
  };
  const int = (k: string, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const v = get(k);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${where(k)} must be a whole number from ${min} to ${max}; got "${v}"`);
    return n;
  };
  const bool = (k: string, dflt: boolean): boolean => {
    const v = get(k);
    if (v === undefined) return dflt;
    if (/^(1|true|yes)$/i.test(v)) return true;
    if (/^(0|false|no)$/i.test(v)) return false;
    throw new ConfigError(`${where(k)} must be true or false; got "${v}"`);
  };
  const list = (k: string) => (get(k) ?? '').split(',').map((s) => s.trim()).filter(Boolean);

  const cloud = oneOf('cloud', Object.keys(CLOUDS) as Cloud[], 'global');
  const { graphRoot, authorityHost } = CLOUDS[cloud];
  let baseUrl = get('baseUrl');
  if (baseUrl !== undefined) {
    let u: URL;
    try {
      u = new URL(baseUrl);
    } catch {
      throw new ConfigError(`${where('baseUrl')} must be an absolute http(s) URL such as ${graphRoot}/beta; got "${baseUrl}"`);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ConfigError(`${where('baseUrl')} must use http or https; got "${u.protocol}"`);
    if (u.protocol === 'http:' && !isLoopback(u)) throw new ConfigError(`${where('baseUrl')} uses plain http on a non-loopback host; use https (tokens must not travel in clear)`);
    if (u.search || u.hash) throw new ConfigError(`${where('baseUrl')} must not carry a query or fragment; got "${baseUrl}"`);
    baseUrl = u.toString().replace(/\/+$/, '');
  }
  const collectionPath = get('collectionPath') ?? '/industryData/dataShareOutgoingFlows';
  if (!/^\/[\w\-./]+$/.test(collectionPath)) throw new ConfigError(`${where('collectionPath')} must be a path such as /industryData/dataShareOutgoingFlows; got "${collectionPath}"`);

  const token = get('token');
  const tenantId = get('tenantId');
  const clientId = get('clientId');
  const clientSecret = get('clientSecret');
  const certificatePath = get('certificatePath');
  const inferredAuth: AuthMode = token ? 'token' : clientId ? 'msal' : 'none';
  const auth = oneOf<AuthMode>('auth', ['none', 'token', 'msal'], inferredAuth);
  let certificateKey: string | undefined;
  let certificateX5c: string | undefined;
  let certificateThumbprintSha256 = get('certificateThumbprintSha256');
  if (auth === 'token' && !token) throw new ConfigError(`auth "token" needs a bearer token: set ${ENV.token} or --token`);
  if (auth === 'msal') {
    const missing = [['tenantId', tenantId], ['clientId', clientId]].filter(([, v]) => !v).map(([k]) => ENV[k as string]);
    if (missing.length) throw new ConfigError(`auth "msal" needs ${missing.join(' and ')}`);
    if (!/^[\w.-]+$/.test(tenantId!)) throw new ConfigError(`${where('tenantId')} must be a tenant GUID or domain name; got "${tenantId}"`);
    if (!clientSecret && !certificatePath) throw new ConfigError(`auth "msal" needs a credential: set ${ENV.clientSecret} or ${ENV.certificatePath}`);
  }
  // a certificate is read (and its key registered for redaction) whenever one is configured, so a bad path fails at start
  if (certificatePath) {
    let pem: string;
    try {
      pem = readFileSync(certificatePath, 'utf8');
    } catch (e) {
      throw new ConfigError(`${where('certificatePath')}: certificate "${certificatePath}" cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(pem);
    if (!key) throw new ConfigError(`${where('certificatePath')}: "${certificatePath}" holds no PEM private key (expected -----BEGIN PRIVATE KEY-----)`);
    certificateKey = key[0];
    const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
    if (cert) {
      certificateX5c = cert[0];
      certificateThumbprintSha256 ??= thumbprintSha256(cert[0]);
    }
    if (auth === 'msal' && !clientSecret && !certificateThumbprintSha256) throw new ConfigError(`${where('certificatePath')}: "${certificatePath}" has no certificate block; add it to the PEM or set ${ENV.certificateThumbprintSha256}`);
  }

  const target = baseUrl ? new URL(baseUrl) : undefined;
  const loopback = !target || isLoopback(target);
  const profile = oneOf<Profile>('profile', PROFILES, loopback ? 'full' : 'tenant-safe');
  const allowWrites = bool('allowWrites', false);
  if (!loopback && profile === 'full') throw new ConfigError(`profile "full" probes destructive behaviour and is for mock targets only; use --profile tenant-safe or read-only against ${target!.host}`);
  if (!loopback && profile !== 'read-only' && !allowWrites) {
    throw new ConfigError(`profile "${profile}" writes to ${target!.host}; pass --allow-writes (or ${ENV.allowWrites}=true) to confirm, or use --profile read-only`);
  }
  const inviteeIds = () => {
    const ids = list('inviteeIds');
    const bad = ids.find((x) => !/^[\w.@-]{1,128}$/.test(x));
    if (bad !== undefined) throw new ConfigError(`${where('inviteeIds')} must be directory object ids (GUIDs), comma-separated; got "${bad}"`);
    return ids.length ? ids : undefined;
  };
  const seedRaw = get('seed');
  const seed = seedRaw === undefined ? randomBytes(4).readUInt32BE(0) & 0x7fffffff : int('seed', 0, -2147483648, 2147483647);
  return Object.freeze({
    baseUrl,
    collectionPath,
    cloud,
    graphRoot,
    authorityHost,
    scope: `${graphRoot}/.default`,
    auth,
    token,
    tenantId,
    clientId,
    clientSecret,
    certificatePath,
    certificateKey,
    certificateThumbprintSha256,
    certificateX5c,
    sendX5c: bool('sendX5c', false),
    profile,
    allowWrites,
    seed,
    numRuns: int('numRuns', 25, 1, 100000),
    requestBudget: int('requestBudget', DEFAULT_BUDGET[profile], 1),
    concurrency: int('concurrency', 4, 1, 64),
    timeoutMs: int('timeoutMs', 10000, 50, 600000),
    maxRetries: int('maxRetries', 3, 0, 20),
    maxRetryWaitMs: int('maxRetryWaitMs', 30000, 0, 600000),
    reportDir: path.resolve(get('reportDir') ?? 'reports/out'),
    runId: `${new Date().toISOString().replace(/[-:T.Z]/g, '').slice(0, 14)}${randomBytes(2).toString('hex')}`,
    failOn: oneOf('failOn', ['must', 'should'] as const, 'must'),
    expectations: get('expectations'),
    checks: list('checks').length ? list('checks') : undefined,
    inviteeIds: inviteeIds(),
    replayPath: get('replayPath'),
    rerunFailed: int('rerunFailed', 1, 0, 5),
    mockDefects: list('mockDefects'),
    mockBehaviours: list('mockBehaviours'),
  });
}

function thumbprintSha256(pemCert: string): string {
  const der = Buffer.from(pemCert.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''), 'base64');
  return createHash('sha256').update(der).digest('hex').toUpperCase();
}

/** The effective configuration as printable text, secrets redacted. */
export function describeConfig(c: Config): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c };
  for (const k of SECRET_SETTINGS) if (out[k]) out[k] = '***redacted***';
  delete out.certificateX5c;
  out.target = c.baseUrl ?? '(embedded reference mock)';
  return out;
}
