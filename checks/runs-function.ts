/** The runs relationship and the getPotentialDataShareInvitees function. */
import { randomUUID } from 'node:crypto';
import { entityOf, etagOf, expectEqual, expectJson, expectRejected, expectSchema, expectStatus, expectThat, serverStateOf, stateOf } from '../target/expect.js';
import type { HttpResponse } from '../target/http.js';
import { ALL, check, WRITE } from './define.js';
import { sampleRun } from './runner.js';
import type { CheckContext } from './types.js';

async function addRun(ctx: CheckContext, flowId: string, startDateTime: string, name: string) {
  const r = await ctx.api.request(ctx.api.runsUrl(flowId), { method: 'POST', json: { ...sampleRun(name), startDateTime } });
  expectStatus(r, [201, 204], 'add a run');
  return r;
}

async function listRuns(ctx: CheckContext, flowId: string) {
  const r = await ctx.api.request(ctx.api.runsUrl(flowId));
  expectStatus(r, [200], 'list runs');
  expectJson(r, 'list runs');
  expectSchema(ctx.reg, r, 'run.collection', 'list runs');
  return r;
}

/**
 * The run an add created, in a runs listing: by the id of a 201 body, else by its displayName. The service may list
 * runs of its own beside it (runs are "the set of runs that have been executed"), so listings are searched, not counted.
 */
function addedRun(list: HttpResponse, added: HttpResponse, name: string): any {
  const runs: any[] = list.json?.value ?? [];
  const id = added.status === 201 ? added.json?.id : undefined;
  return runs.find((r) => (id !== undefined ? r?.id === id : r?.displayName === name));
}

async function needRunsAdd(ctx: CheckContext) {
  if (!(await ctx.caps.runsAdd(ctx))) return ctx.unsupported('runs.add', 'the target refuses to add runs (runs are read-only, as the resource page allows; DR 0006)');
}

export const runs = [
  check({
    id: 'runs.add.answer',
    title: 'POST to a flow\'s runs adds a run (201/204) or is refused with a 4xx OData error (405 with Allow); never 5xx',
    severity: 'MUST',
    rule: 'DR 0006; OData §11.4.2, §9.2.2',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const name = ctx.name('run');
      const r = await ctx.api.request(ctx.api.runsUrl(id), { method: 'POST', json: sampleRun(name) });
      if (r.status === 201 || r.status === 204) {
        if (r.status === 201) expectSchema(ctx.reg, r, 'run', 'add run (201 body)');
        const l = await listRuns(ctx, id);
        const run = addedRun(l, r, name);
        expectThat(run, 'a run added with 2xx is not listed', l, (l.json.value as any[]).map((x) => x?.displayName), `a run named ${name}`);
        const runId = run.id;
        const g = await ctx.api.request(`${ctx.api.runsUrl(id)}/${encodeURIComponent(runId)}`);
        expectStatus(g, [200], 'GET the added run');
        expectEqual(entityOf(g)?.id, runId, 'GET run: a different run', g);
        return;
      }
      expectRejected(ctx.reg, r, 'add run refused', [400, 403, 405, 501]);
      if (r.status === 405) expectThat(r.headers.allow, '405 without an Allow header', r, undefined, 'Allow: GET');
      ctx.note(`runs are read-only here (${r.status})`);
    },
  }),
  check({
    id: 'runs.list.isolated',
    title: 'a flow lists only its own runs, as an OData collection',
    severity: 'MUST',
    rule: 'OData §11.2.7: the related collection of that entity',
    profiles: WRITE,
    async run(ctx) {
      await needRunsAdd(ctx);
      const a = await ctx.newFlow();
      const b = await ctx.newFlow();
      const name = ctx.name('a');
      const added = await addRun(ctx, a.id, new Date().toISOString(), name);
      const lb = await listRuns(ctx, b.id);
      expectThat(!addedRun(lb, added, name), 'another flow lists the run added to this one', lb, (lb.json.value as any[]).map((x) => x?.displayName), `no run named ${name}`);
      const la = await listRuns(ctx, a.id);
      expectThat(addedRun(la, added, name), 'the flow does not list the run added to it', la, (la.json.value as any[]).map((x) => x?.displayName), `a run named ${name}`);
    },
  }),
  check({
    id: 'runs.list.ordered-by-time',
    title: 'runs are listed ordered by time (startDateTime, ascending or descending)',
    severity: 'MUST',
    rule: 'resource page: runs "Ordered by time" (no direction given); DR 0006',
    profiles: WRITE,
    async run(ctx) {
      await needRunsAdd(ctx);
      const { id } = await ctx.newFlow();
      const base = Date.UTC(2026, 0, 1);
      for (const offset of [3, 1, 2]) await addRun(ctx, id, new Date(base + offset * 3600_000).toISOString(), ctx.name(`t${offset}`));
      const l = await listRuns(ctx, id);
      const times = l.json.value.map((r: any) => Date.parse(r.startDateTime));
      const ascending = times.every((t: number, i: number) => i === 0 || times[i - 1] <= t);
      const descending = times.every((t: number, i: number) => i === 0 || times[i - 1] >= t);
      expectThat(ascending || descending, 'runs are not ordered by startDateTime (added at 03:00, 01:00, 02:00)', l, l.json.value.map((r: any) => r.startDateTime), 'startDateTime non-decreasing or non-increasing');
      if (descending && !ascending) ctx.note('runs are listed newest first');
    },
  }),
  check({
    id: 'runs.get.unknown-run-404',
    title: 'GET of a run that does not exist under an existing flow answers 404 with an OData error',
    severity: 'MUST',
    rule: 'OData §9.2.1, §11.2.7; run get page',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      expectRejected(ctx.reg, await ctx.api.request(`${ctx.api.runsUrl(id)}/${randomUUID()}`), 'GET an unknown run of an existing flow', [404]);
    },
  }),
  check({
    id: 'runs.list.unknown-flow-404',
    title: 'runs of a flow that does not exist, or was deleted, answer 404',
    severity: 'MUST',
    rule: 'OData §9.2.1',
    profiles: WRITE,
    async run(ctx) {
      expectRejected(ctx.reg, await ctx.api.request(ctx.api.runsUrl(randomUUID())), 'runs of an unknown flow', [404]);
      const { id } = await ctx.newFlow();
      if (await ctx.caps.runsAdd(ctx)) await addRun(ctx, id, new Date().toISOString(), ctx.name('doomed'));
      expectStatus(await ctx.api.delete(id), [204], 'DELETE the flow');
      expectRejected(ctx.reg, await ctx.api.request(ctx.api.runsUrl(id)), 'runs of a deleted flow', [404]);
    },
  }),
];

export const fn = [
  check({
    id: 'function.invitees.shape',
    title: 'getPotentialDataShareInvitees (bound to the collection) answers 200 with a collection of identity',
    severity: 'MUST',
    rule: 'function page; OData §11.5.4.1; identity.md (open type, id may be missing); DR 0008',
    profiles: ALL,
    async run(ctx) {
      const r = await ctx.api.invitees();
      expectStatus(r, [200], 'GET getPotentialDataShareInvitees');
      expectJson(r, 'getPotentialDataShareInvitees');
      expectSchema(ctx.reg, r, 'identity.collection', 'getPotentialDataShareInvitees');
    },
  }),
  check({
    id: 'function.invitees.no-side-effects',
    title: 'calling getPotentialDataShareInvitees changes no flow',
    severity: 'MUST',
    rule: 'OData §11.5.4: functions MUST have no observable side effects',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const g0 = await ctx.api.get(id);
      // the eTag is evidence only where reads leave it alone (a changing-on-read eTag is a SHOULD matter)
      const etagStable = etagOf(await ctx.api.get(id)) === etagOf(g0);
      if (!etagStable) ctx.note('the eTag changes on read: compared values only');
      for (let i = 0; i < 2; i++) expectStatus(await ctx.api.invitees(), [200], 'GET getPotentialDataShareInvitees');
      const g1 = await ctx.api.get(id);
      // a lifecycle move of the service's own (readinessStatus, sharingState) legitimately changes the eTag
      const serverMoved = serverStateOf(entityOf(g1)) !== serverStateOf(entityOf(g0));
      if (serverMoved) ctx.note('the service moved readinessStatus/sharingState meanwhile: compared client-written values only');
      if (etagStable && !serverMoved) expectEqual(etagOf(g1), etagOf(g0), 'the flow changed (eTag) after the function was called', g1);
      expectEqual(stateOf(entityOf(g1)), stateOf(entityOf(g0)), 'the flow changed after the function was called', g1);
    },
  }),
  check({
    id: 'function.invitees.qualified-name',
    title: 'the namespace-qualified function URL answers like the unqualified one, or is refused with a 4xx OData error',
    severity: 'MAY',
    rule: 'OData §11.5.4.1: functions are addressed by their qualified name; the unqualified form needs a default namespace; DR 0008',
    profiles: ALL,
    async run(ctx) {
      const r = await ctx.api.invitees('qualified');
      if (r.status === 200) {
        expectJson(r, 'qualified getPotentialDataShareInvitees()');
        return expectSchema(ctx.reg, r, 'identity.collection', 'qualified getPotentialDataShareInvitees()');
      }
      ctx.note(`the qualified form answered ${r.status}`);
      expectRejected(ctx.reg, r, 'qualified getPotentialDataShareInvitees()', [400, 404]);
    },
  }),
  check({
    id: 'function.invitees.post-refused',
    title: 'POST to the function is refused: 405 (with Allow), 400 or 404 (no action of that name)',
    severity: 'MUST',
    rule: 'Graph operations pattern: functions are called with GET; OData §9.2.2, §11.5.4 (a POST addresses an action, and none is bound here)',
    profiles: WRITE,
    async run(ctx) {
      const r = await ctx.api.invitees('unqualified', { method: 'POST', json: {} });
      expectRejected(ctx.reg, r, 'POST getPotentialDataShareInvitees', [405, 400, 404]);
      if (r.status === 405) expectThat(r.headers.allow, '405 without an Allow header', r, undefined, 'Allow: GET');
    },
  }),
];
