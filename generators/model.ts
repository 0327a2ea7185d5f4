/**
 * Stateful model for model-based testing (fc.commands + fc.asyncModelRun): each command has its model
 * update and postconditions, and runs against any target through FlowApi.
 */
import fc from 'fast-check';
import type { SchemaRegistry } from '../schemas/registry.js';
import { entityOf, etagOf, etagsOf, expectEqual, expectRejected, expectStatus, expectThat, serverStateOf, withStaleTag, withTagForms } from '../target/expect.js';
import type { HttpResponse } from '../target/http.js';
import { type FlowApi, limitedByTop } from '../target/resource.js';
import { type BodyOptions, validCreateBody, validRunBody, validUpdateBody } from './bodies.js';
import { blankKeys } from './strings.js';

interface FlowModel {
  displayName: string;
  shareName: string;
  inviteeUserIds: string[];
  eTag?: string;
  /** every If-Match form of the current tag the last read offered (DR 0005) */
  tags?: string[];
  stale: string[];
  /** the runs this client added: the id of a 201 body, else the displayName sent (the service may add its own) */
  runs: { id?: string; name: string }[];
  /** readinessStatus/sharingState last seen: the service may move them on its own (DR 0004) */
  server?: string;
}

export interface Model {
  flows: Map<string, FlowModel>;
  order: string[];
}

export interface Real {
  api: FlowApi;
  reg: SchemaRegistry;
  /** false when the target refuses to add runs (DR 0006) */
  runsAdd: boolean;
  /** members the target requires on create beyond the schema's (DR 0004, DR 0019); the body's own win */
  createExtras: Record<string, unknown>;
  /** added to the list commands' $top: a quarter of the collection's size when the check began */
  pageBase?: number;
}

type Cmd = fc.AsyncCommand<Model, Real>;
const pick = (m: Model, i: number) => m.order[i % m.order.length];

/** Reads the entity back and checks it against the model; refreshes the model's eTag. */
async function readBack(r: Real, m: Model, id: string, what: string): Promise<HttpResponse> {
  const g = await r.api.get(id);
  expectStatus(g, [200], `${what}: GET after the command`);
  const e = entityOf(g);
  const f = m.flows.get(id)!;
  expectEqual({ displayName: e.displayName, shareName: e.shareName, inviteeUserIds: e.inviteeUserIds }, { displayName: f.displayName, shareName: f.shareName, inviteeUserIds: f.inviteeUserIds }, `${what}: stored values differ from the model`, g);
  const tag = etagOf(g);
  if (tag && f.eTag && tag !== f.eTag && !f.stale.includes(f.eTag)) f.stale.push(f.eTag);
  f.eTag = tag;
  f.tags = etagsOf(g);
  f.server = serverStateOf(e);
  return g;
}

/**
 * Whether an eTag change seen without a write of the client's is the service's own: its lifecycle state moved
 * (DR 0004), or its eTag changes on every read (a SHOULD matter, etag.read.stable).
 */
async function serverOwnChange(r: Real, id: string, serverBefore: string | undefined, g: HttpResponse): Promise<boolean> {
  if (serverStateOf(entityOf(g)) !== serverBefore) return true;
  const again = await r.api.get(id);
  return again.status === 200 && etagOf(again) !== etagOf(g);
}

const hasBlank = (b: Record<string, unknown>) => blankKeys(b).length > 0;

class CreateCmd implements Cmd {
  constructor(readonly body: Record<string, unknown>) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const res = await r.api.create({ ...r.createExtras, ...this.body });
    // allowed refusals change nothing: a blank name (DR 0007), a shareName another entity holds (DR 0018)
    if (res.status === 400 && hasBlank(this.body)) return expectRejected(r.reg, res, 'create with a blank string');
    if (await r.api.shareNameTaken(res, this.body.shareName)) return expectRejected(r.reg, res, 'create with a shareName in use', [409]);
    expectStatus(res, [201, 204], 'create');
    const t = r.api.tracker.items.at(-1);
    expectThat(t, 'create: the answer names no id (no id in the body, no Location)', res);
    m.flows.set(t.id, { displayName: this.body.displayName as string, shareName: this.body.shareName as string, inviteeUserIds: this.body.inviteeUserIds as string[], stale: [], runs: [] });
    m.order.push(t.id);
    await readBack(r, m, t.id, 'create');
  }
  toString = () => `create(${JSON.stringify(this.body)})`;
}

class GetCmd implements Cmd {
  constructor(readonly i: number) {}
  check = (m: Readonly<Model>) => m.order.length > 0;
  async run(m: Model, r: Real) {
    await readBack(r, m, pick(m, this.i), 'get');
  }
  toString = () => `get(#${this.i})`;
}

class ListCmd implements Cmd {
  constructor(readonly top: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    // other clients (and the run's other checks) change the collection while it is paged: a real paging defect
    // repeats, a shifted page does not, so a mismatch is read twice more before it counts
    const top = this.top + (r.pageBase ?? 0);
    for (let attempt = 1; ; attempt++) {
      let query = `?$top=${top}`;
      let pages = await r.api.listAll(query);
      const last = pages.at(-1)!;
      if (last.status === 400 || last.status === 501) return; // $top unsupported: the query checks say so
      if (limitedByTop(pages, top)) {
        query = '';
        pages = await r.api.listAll(query);
      }
      const ids: string[] = [];
      for (const p of pages) {
        expectStatus(p, [200], `list(${query})`);
        ids.push(...(p.json?.value ?? []).map((e: { id?: string }) => e.id));
      }
      const wrong = m.order.find((id) => ids.filter((x) => x === id).length !== 1);
      if (wrong === undefined) return;
      if (attempt < 3) continue;
      const n = ids.filter((x) => x === wrong).length;
      expectThat(false, `list(${query}): entity ${wrong} appears ${n} times over ${pages.length} page(s) (3 readings)`, pages.at(-1)!, n, 'exactly once');
    }
  }
  toString = () => `list($top=${this.top})`;
}

class PatchCmd implements Cmd {
  constructor(
    readonly i: number,
    readonly body: Record<string, unknown>,
    readonly ifMatch: 'none' | 'current',
  ) {}
  check = (m: Readonly<Model>) => m.order.length > 0;
  async run(m: Model, r: Real) {
    const id = pick(m, this.i);
    const f = m.flows.get(id)!;
    const before = f.eTag;
    const forms = this.ifMatch === 'current' && f.eTag ? (f.tags?.length ? f.tags : [f.eTag]) : [];
    const conditional = forms.length > 0;
    const res = conditional ? await withTagForms(forms, (tag) => r.api.patch(id, this.body, { headers: { 'If-Match': tag } })) : await r.api.patch(id, this.body);
    if (res.status === 412 && conditional) {
      // the eTag the model holds may have been outdated by the service itself since the last read
      const g = await r.api.get(id);
      if (g.status === 200 && etagOf(g) !== f.eTag && (await serverOwnChange(r, id, f.server, g))) {
        await readBack(r, m, id, 'patch refused after a change of the service\'s own');
        return;
      }
    }
    if ((res.status === 400 && hasBlank(this.body)) || (await r.api.shareNameTaken(res, this.body.shareName, id))) {
      expectRejected(r.reg, res, 'patch with a blank string or a shareName in use', [400, 409]);
      await readBack(r, m, id, 'a refused patch (nothing may change)');
      return;
    }
    expectStatus(res, [200, 204], `patch${conditional ? ' with the current If-Match' : ''}`);
    const changes = (['displayName', 'shareName', 'inviteeUserIds'] as const).some((k) => k in this.body && JSON.stringify(this.body[k]) !== JSON.stringify(f[k]));
    for (const k of ['displayName', 'shareName', 'inviteeUserIds'] as const) if (k in this.body) (f as any)[k] = this.body[k];
    const g = await readBack(r, m, id, 'patch');
    if (changes && before) expectThat(etagOf(g) !== before, 'patch: the eTag did not change although the entity did', g, etagOf(g), `a value other than ${before}`);
  }
  toString = () => `patch(#${this.i}, ${JSON.stringify(this.body)}, If-Match: ${this.ifMatch})`;
}

class StalePatchCmd implements Cmd {
  constructor(
    readonly i: number,
    readonly body: Record<string, unknown>,
    readonly method: 'PATCH' | 'DELETE',
  ) {}
  check = (m: Readonly<Model>) => m.order.some((id) => m.flows.get(id)!.stale.length > 0);
  async run(m: Model, r: Real) {
    const withStale = m.order.filter((id) => m.flows.get(id)!.stale.length > 0);
    const id = withStale[this.i % withStale.length];
    const f = m.flows.get(id)!;
    const stale = f.stale[f.stale.length - 1];
    const res = await withStaleTag(stale, (tag) => (this.method === 'PATCH' ? r.api.patch(id, this.body, { headers: { 'If-Match': tag } }) : r.api.delete(id, { headers: { 'If-Match': tag } })));
    expectRejected(r.reg, res, `${this.method} with a stale If-Match`, [412]);
    await readBack(r, m, id, `${this.method} with a stale If-Match (nothing may change)`);
  }
  toString = () => `${this.method.toLowerCase()}-stale-if-match(#${this.i})`;
}

class DeleteCmd implements Cmd {
  constructor(readonly i: number) {}
  check = (m: Readonly<Model>) => m.order.length > 0;
  async run(m: Model, r: Real) {
    const id = pick(m, this.i);
    const res = await r.api.delete(id);
    expectStatus(res, [204], 'delete');
    const g = await r.api.get(id);
    expectStatus(g, [404], 'GET after delete');
    m.flows.delete(id);
    m.order = m.order.filter((x) => x !== id);
  }
  toString = () => `delete(#${this.i})`;
}

class AddRunCmd implements Cmd {
  constructor(
    readonly i: number,
    readonly body: Record<string, unknown>,
  ) {}
  check = (m: Readonly<Model>) => m.order.length > 0;
  async run(m: Model, r: Real) {
    if (!r.runsAdd) return;
    const id = pick(m, this.i);
    const res = await r.api.request(r.api.runsUrl(id), { method: 'POST', json: this.body });
    expectStatus(res, [201, 204], 'add run');
    m.flows.get(id)!.runs.push({ id: res.status === 201 && typeof res.json?.id === 'string' ? res.json.id : undefined, name: String(this.body.displayName) });
  }
  toString = () => `addRun(#${this.i})`;
}

class ListRunsCmd implements Cmd {
  constructor(readonly i: number) {}
  check = (m: Readonly<Model>) => m.order.length > 0;
  async run(m: Model, r: Real) {
    const id = pick(m, this.i);
    const res = await r.api.request(r.api.runsUrl(id));
    expectStatus(res, [200], 'list runs');
    if (!r.runsAdd) return;
    // every run this client added is listed (runs of the service's own may stand beside them; DR 0006)
    const listed: { id?: string; displayName?: string }[] = res.json?.value ?? [];
    const added = m.flows.get(id)!.runs;
    const missing = added.find((a) => {
      const times = listed.filter((x) => (a.id !== undefined ? x.id === a.id : x.displayName === a.name)).length;
      return a.id !== undefined ? times !== 1 : times < added.filter((b) => b.id === undefined && b.name === a.name).length;
    });
    expectThat(missing === undefined, `list runs of ${id}: an added run is not listed exactly once`, res, listed.map((x) => x.id), `the ${added.length} added run(s), each once`);
  }
  toString = () => `listRuns(#${this.i})`;
}

class InviteesCmd implements Cmd {
  check = () => true;
  async run(m: Model, r: Real) {
    const res = await r.api.invitees();
    expectStatus(res, [200], 'getPotentialDataShareInvitees');
    for (const id of m.order) {
      const f = m.flows.get(id)!;
      const before = f.eTag;
      const serverBefore = f.server;
      const g = await readBack(r, m, id, 'after getPotentialDataShareInvitees');
      if (before && etagOf(g) !== before && !(await serverOwnChange(r, id, serverBefore, g))) {
        expectEqual(etagOf(g), before, 'getPotentialDataShareInvitees changed an entity (eTag)', g);
      }
    }
  }
  toString = () => 'getPotentialDataShareInvitees()';
}

/** The command arbitrary; `marker` goes into every displayName. */
export function flowCommands(reg: SchemaRegistry, marker: string, opts: BodyOptions & { maxCommands?: number; replayPath?: string } = {}) {
  const idx = fc.nat({ max: 20 });
  const create = validCreateBody(reg, marker, opts).map((b) => new CreateCmd(b));
  const patch = fc.tuple(idx, validUpdateBody(reg, marker, opts), fc.constantFrom('none', 'current') as fc.Arbitrary<'none' | 'current'>).map(([i, b, h]) => new PatchCmd(i, b, h));
  const stale = fc.tuple(idx, validUpdateBody(reg, marker, opts), fc.constantFrom('PATCH', 'DELETE') as fc.Arbitrary<'PATCH' | 'DELETE'>).map(([i, b, meth]) => new StalePatchCmd(i, b, meth));
  return fc.commands(
    [
      // most commands need a flow: create is listed three times so that sequences reach them (fc.commands picks uniformly)
      create,
      create,
      create,
      idx.map((i) => new GetCmd(i)),
      fc.integer({ min: 1, max: 3 }).map((t) => new ListCmd(t)),
      // writes, and writes with an outdated tag, are where the contract is richest: listed twice each
      patch,
      patch,
      stale,
      stale,
      idx.map((i) => new DeleteCmd(i)),
      fc.tuple(idx, validRunBody(reg, marker)).map(([i, b]) => new AddRunCmd(i, b)),
      idx.map((i) => new ListRunsCmd(i)),
      fc.constant(new InviteesCmd()),
    ],
    { maxCommands: opts.maxCommands ?? 12, size: 'medium', replayPath: opts.replayPath },
  );
}

export const emptyModel = (): Model => ({ flows: new Map(), order: [] });

export interface Scenario {
  /** flows created before the commands run, so that sequences reach the commands that need one */
  initial: Record<string, unknown>[];
  commands: Iterable<Cmd>;
}

/** A scenario: one or two flows to start from, then a command sequence (both shrink). */
export function flowScenario(reg: SchemaRegistry, marker: string, opts: BodyOptions & { maxCommands?: number; replayPath?: string } = {}): fc.Arbitrary<Scenario> {
  return fc.record({ initial: fc.array(validCreateBody(reg, marker, opts), { minLength: 1, maxLength: 2 }), commands: flowCommands(reg, marker, opts) });
}

/** Runs a scenario against the target, checking it against the model after every command. */
export async function runScenario(real: Real, s: Scenario): Promise<void> {
  await fc.asyncModelRun(async () => {
    const model = emptyModel();
    for (const body of s.initial) await new CreateCmd(body).run(model, real);
    return { model, real };
  }, s.commands);
}
