/** Runs one check against a target and turns whatever happens into a CheckResult; never throws. */
import { AsyncLocalStorage } from 'node:async_hooks';
import fc from 'fast-check';
import type { Config } from '../config/config.js';
import { type SchemaRegistry, schemas } from '../schemas/registry.js';
import { type TokenProvider, tokenProvider } from '../target/auth.js';
import { isConformanceFailure, isHarnessError, isUnsupported, Unsupported } from '../target/errors.js';
import { describeExchange, type Exchange } from '../target/exchange.js';
import { entityOf, expectStatus, expectThat } from '../target/expect.js';
import { HttpClient } from '../target/http.js';
import { Ledger, runMarker } from '../target/ledger.js';
import { redact } from '../target/redact.js';
import { cleanupError, FlowApi } from '../target/resource.js';
import type { Capabilities, CheckContext, CheckDef, CheckResult, Created, InviteePool, RunSettings } from './types.js';

/** Everything the checks of one process share: client, ledger, capabilities. */
export interface CheckEnv {
  api: FlowApi;
  http: HttpClient;
  reg: SchemaRegistry;
  settings: RunSettings;
  caps: Capabilities;
  tokens: TokenProvider;
  ledger: Ledger;
}

interface Scope {
  exchanges: Exchange[];
}
const scope = new AsyncLocalStorage<Scope>();

export function createEnv(cfg: Config, baseUrl: string, opts: { signal?: AbortSignal } = {}): CheckEnv {
  const tokens = tokenProvider(cfg);
  const http = new HttpClient({
    timeoutMs: cfg.timeoutMs,
    maxRetries: cfg.maxRetries,
    maxRetryWaitMs: cfg.maxRetryWaitMs,
    requestBudget: cfg.requestBudget,
    concurrency: cfg.concurrency,
    tokens,
    signal: opts.signal,
  });
  http.onExchange((x) => scope.getStore()?.exchanges.push(x));
  const ledger = new Ledger(cfg.reportDir, cfg.runId);
  const api = new FlowApi(http, baseUrl, cfg.collectionPath, ledger);
  const settings: RunSettings = { seed: cfg.seed, numRuns: cfg.numRuns, runId: cfg.runId, profile: cfg.profile, replayPath: cfg.replayPath, authConfigured: cfg.auth !== 'none' };
  return { api, http, reg: schemas(), settings, caps: newCapabilities(cfg.inviteeIds), tokens, ledger };
}

/**
 * A probe asked once per worker: its answer is kept, but a failure (a transport error is the check's error, not a
 * verdict) is forgotten so that the next check asks again.
 */
function once<T>(probe: (ctx: CheckContext) => Promise<T>): (ctx: CheckContext) => Promise<T> {
  let kept: Promise<T> | undefined;
  return (ctx) => {
    kept ??= probe(ctx).catch((e) => {
      kept = undefined;
      throw e;
    });
    return kept;
  };
}

function newCapabilities(configured: string[] | undefined): Capabilities {
  let runsAdd: Promise<boolean> | undefined;
  const query = new Map<string, Promise<boolean>>();
  const caps: Capabilities = {
    // the first of these a valid create is accepted with: nothing more, the server state the create page marks
    // Required (DR 0004), the @odata.type every doc example sends (DR 0019), or both
    createExtras: once(async (ctx) => {
      for (const candidate of [{}, SERVER_STATE, { '@odata.type': FLOW_TYPE }, { ...SERVER_STATE, '@odata.type': FLOW_TYPE }]) {
        const r = await ctx.api.create({ ...candidate, ...fixtureBody(ctx, 'probe') });
        if (r.status === 201 || r.status === 204) return candidate;
        if (r.status !== 400) break; // any other answer is for the checks to judge
      }
      return {};
    }),
    // a target may accept only real directory objects in inviteeUserIds (the resource page: "Must be Global
    // Administrators"); the function is the documented way to learn them. Any answer but ids leaves the fixed GUID.
    invitees: once(async (ctx): Promise<InviteePool> => {
      if (configured?.length) return { ids: configured, source: 'config' };
      const r = await ctx.api.invitees();
      const offered = r.status === 200 && Array.isArray(r.json?.value) ? r.json.value.map((e: { id?: unknown }) => e?.id) : [];
      const ids = [...new Set<string>(offered.filter((x: unknown): x is string => typeof x === 'string' && x.trim() !== ''))];
      return ids.length ? { ids, source: 'function' } : { ids: [INVITEE], source: 'none' };
    }),
    runsAdd(ctx) {
      runsAdd ??= (async () => {
        const { id } = await ctx.newFlow();
        const r = await ctx.api.request(ctx.api.runsUrl(id), { method: 'POST', json: sampleRun(ctx.name('run')) });
        if (r.status === 201 || r.status === 204) return true;
        if ([400, 403, 405, 501].includes(r.status)) return false;
        expectStatus(r, [201, 204, 400, 403, 405, 501], 'probe: add a run');
        return false;
      })();
      return runsAdd;
    },
    query(ctx, option) {
      let p = query.get(option);
      if (!p) {
        const q = { $top: '$top=1', $select: '$select=displayName', $filter: "$filter=displayName eq 'x'", $count: '$count=true' }[option];
        p = ctx.api.list(`?${q}`).then((r) => r.status === 200);
        query.set(option, p);
      }
      return p;
    },
  };
  return caps;
}

export const sampleRun = (displayName: string) => ({
  displayName,
  startDateTime: new Date().toISOString(),
  status: 'running',
  statistics: {},
});

export const INVITEE = '5f0c2a3e-9a63-4a8e-9a55-0d6f2b1c7e11';
/** what the create page lists as Required server state (DR 0004) */
export const SERVER_STATE = { readinessStatus: 'notReady', sharingState: 'pending' } as const;
/** the type name of the resource under test, as the newest doc pages and every create example spell it */
export const FLOW_TYPE = '#microsoft.graph.industryData.dataShareOutgoingFlow';
let nameCounter = 0;
let shareCounter = 0;
/** a shareName no other fixture of any run uses: a service may keep shareNames unique (DR 0018) */
const shareNameFor = (ctx: CheckContext) => `${ctx.marker}share-${process.pid}-${++shareCounter}`;
/** The schema's required members of a valid create, run-marked: what every fixture starts from. */
const fixtureBody = (ctx: CheckContext, suffix?: string) => ({ displayName: ctx.name(suffix), shareName: shareNameFor(ctx), inviteeUserIds: [ctx.invitees.ids[0]] });

export async function runCheck(def: CheckDef, env: CheckEnv): Promise<CheckResult> {
  const started = Date.now();
  const base = { id: def.id, area: def.area, title: def.title, severity: def.severity, rule: def.rule };
  const skip = (reason: string): CheckResult => ({ ...base, status: 'skipped', durationMs: 0, message: reason, exchanges: [] });
  if (!def.profiles.includes(env.settings.profile)) return skip(`not run in profile "${env.settings.profile}"`);
  if (def.needs.includes('token') && !env.settings.authConfigured) return skip('needs credentials (DSC_TOKEN or MSAL) that the target enforces');

  const s: Scope = { exchanges: [] };
  const stats0 = { ...env.http.stats };
  const notes: string[] = [];
  const api = env.api.scoped();
  const marker = runMarker(env.settings.runId);
  let seedPath: { seed?: number; path?: string } = {};
  let pool: InviteePool = { ids: [INVITEE], source: 'none' };
  let createExtras: Record<string, unknown> = {};
  const ctx: CheckContext = {
    def,
    api,
    reg: env.reg,
    settings: env.settings,
    caps: env.caps,
    marker,
    get invitees() {
      return pool;
    },
    name: (suffix = '') => `${marker}${def.id.split('.').slice(1).join('-')}-${++nameCounter}${suffix ? `-${suffix}` : ''}`,
    note: (t) => notes.push(t),
    unsupported: (capability, reason) => {
      throw new Unsupported(capability, reason);
    },
    forCreate: (body) => ({ ...createExtras, ...body }),
    validBody: (overrides = {}) => ctx.forCreate({ ...fixtureBody(ctx), ...overrides }),
    async newFlow(extra = {}) {
      return newFlow(ctx, extra);
    },
    async property(arb, predicate, opts = {}) {
      const params: fc.Parameters<[unknown]> = { seed: env.settings.seed, numRuns: opts.numRuns ?? env.settings.numRuns, interruptAfterTimeLimit: 60_000 };
      if (env.settings.replayPath) Object.assign(params, { path: env.settings.replayPath, endOnFailure: true });
      const details = await fc.check(fc.asyncProperty(arb as fc.Arbitrary<unknown>, predicate as (v: unknown) => Promise<void>), params);
      if (!details.failed) return;
      const err = details.errorInstance;
      seedPath = { seed: details.seed, path: details.counterexamplePath ?? undefined };
      if (isHarnessError(err) || isUnsupported(err)) throw err;
      const counter = redact(JSON.stringify(details.counterexample?.[0])).slice(0, 1500);
      const inner = err instanceof Error ? err.message : String(err);
      const e = new Error(`${inner}\n  counterexample: ${counter}\n  fast-check: { seed: ${details.seed}, path: "${details.counterexamplePath}" } after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s)`);
      (e as any).conformance = true;
      throw e;
    },
  };

  let status = 'pass' as CheckResult['status'];
  let message: string | undefined;
  await scope.run(s, async () => {
    try {
      if (def.needs.includes('writes')) {
        pool = await env.caps.invitees(ctx);
        createExtras = await env.caps.createExtras(ctx);
      }
      await def.run(ctx);
    } catch (e) {
      if (isUnsupported(e)) {
        status = 'unsupported';
        message = `${e.capability}: ${e.message}`;
      } else if (isHarnessError(e)) {
        status = 'error';
        message = `${e.kind}: ${e.message}`;
      } else if (isConformanceFailure(e) || (e as any)?.conformance) {
        status = 'fail';
        message = (e as Error).message;
      } else {
        status = 'error';
        message = `harness bug in ${def.id}: ${(e as Error)?.stack ?? e}`;
      }
    } finally {
      try {
        const report = await api.cleanup();
        const ce = cleanupError(report);
        if (ce && status === 'pass') {
          status = 'error';
          message = ce.message;
        } else if (ce) notes.push(ce.message);
      } catch (e) {
        if (status === 'pass') {
          status = 'error';
          message = `cleanup: ${(e as Error).message}`;
        }
      }
    }
  });
  const last = s.exchanges.at(-1);
  let full = message;
  if ((status === 'fail' || status === 'error') && last) full = `${message}\n--- last exchange ---\n${describeExchange(last)}`;
  if (status === 'fail' && seedPath.seed !== undefined) {
    full += `\nreplay: npx datashare-conformance run --checks ${def.id} --seed ${seedPath.seed} --replay-path "${seedPath.path}"`;
  }
  return {
    ...base,
    status,
    durationMs: Date.now() - started,
    message: full === undefined ? undefined : redact(full),
    notes: notes.length ? notes.map(redact) : undefined,
    seed: def.generated ? (seedPath.seed ?? env.settings.seed) : undefined,
    path: seedPath.path,
    replay: seedPath.seed !== undefined ? `--checks ${def.id} --seed ${seedPath.seed} --replay-path "${seedPath.path}"` : undefined,
    requestIds: s.exchanges.map((x) => x.requestId).filter((x): x is string => !!x).slice(-5),
    exchanges: s.exchanges.slice(-20),
    http: { requests: env.http.stats.requests - stats0.requests, retries: env.http.stats.retries - stats0.retries, waitedMs: env.http.stats.waitedMs - stats0.waitedMs },
  };
}

/**
 * Runs a check; a failure is run again (up to `reruns` times) to tell a deterministic failure from an intermittent
 * one. The first failure's reproduction is kept; the status stays fail either way.
 */
export async function runCheckClassified(def: CheckDef, env: CheckEnv, reruns: number): Promise<CheckResult> {
  const first = await runCheck(def, env);
  if (first.status !== 'fail' || reruns < 1) return first;
  // the re-runs' traffic counts too (requests per check, retries, waits)
  const http = { ...(first.http ?? { requests: 0, retries: 0, waitedMs: 0 }) };
  const add = (r: CheckResult) => {
    http.requests += r.http?.requests ?? 0;
    http.retries += r.http?.retries ?? 0;
    http.waitedMs += r.http?.waitedMs ?? 0;
  };
  for (let i = 0; i < reruns; i++) {
    const again = await runCheck(def, env);
    add(again);
    if (again.status !== 'fail') return { ...first, http, flakiness: 'intermittent', notes: [...(first.notes ?? []), `re-run ${i + 1}: ${again.status}`] };
  }
  return { ...first, http, flakiness: 'deterministic' };
}

/** Creates a flow with what the target requires (DR 0004, DR 0019), and checks what every create must answer. */
async function newFlow(ctx: CheckContext, extra: Record<string, unknown>): Promise<Created> {
  const sent = ctx.validBody(extra);
  const res = await ctx.api.create(sent);
  const refusedInvitee = res.status === 400 && /invitee/i.test(res.text ?? '');
  expectStatus(res, [201, 204], refusedInvitee ? `create a flow (fixture) with inviteeUserIds [${ctx.invitees.ids[0]}] (${ctx.invitees.source}; if the target accepts only its own users, set --invitee-ids, DR 0016)` : 'create a flow (fixture)');
  const t = ctx.api.tracker.items.at(-1);
  expectThat(t, 'create a flow (fixture): the answer names no id', res);
  let entity = res.status === 201 ? res.json : undefined;
  if (!entity || typeof entity.id !== 'string') {
    const g = await ctx.api.get(t.id);
    expectStatus(g, [200], 'read the created flow (fixture)');
    entity = entityOf(g);
  }
  return { id: t.id, entity, res, body: sent };
}
