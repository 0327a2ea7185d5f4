/** Evolvable enums and optimistic concurrency (eTag / If-Match). */
import { entityOf, etagOf, etagsOf, expectEqual, expectRejected, expectStatus, expectThat, failWith, serverStateOf, withStaleTag, withTagForms } from '../target/expect.js';
import { check, ignoredServerState, WRITE } from './define.js';
import type { HttpResponse } from '../target/http.js';
import type { CheckContext } from './types.js';

const DECLARED: Record<string, string[]> = {
  readinessStatus: ['notReady', 'ready', 'failed', 'deleted', 'disabled', 'expired', 'unknownFutureValue'],
  sharingState: ['pending', 'running', 'problem', 'unknownFutureValue'],
};

async function readEntity(ctx: CheckContext, id: string) {
  const g = await ctx.api.get(id);
  expectStatus(g, [200], 'GET');
  return { g, e: entityOf(g) };
}

/**
 * Sends a conditional request with the entity's current eTag: the eTag property first, then the ETag header or
 * @odata.etag where the service offers another form (DR 0005). A 412 is retried once from a fresh read when the
 * service moved its own lifecycle state since the first read (its own write outdated the tag; DR 0004).
 */
async function withCurrentTag(ctx: CheckContext, id: string, send: (tag: string) => Promise<HttpResponse>): Promise<HttpResponse | undefined> {
  let { g, e } = await readEntity(ctx, id);
  for (let round = 0; round < 2; round++) {
    const tags = etagsOf(g);
    if (!tags.length) return undefined;
    const r = await withTagForms(tags, send, (status, alt) => ctx.note(`If-Match: ${tags[0]} answered ${status}; tried the form ${alt}`));
    if (r.status !== 412 || round === 1) return r;
    const fresh = await readEntity(ctx, id);
    if (serverStateOf(fresh.e) === serverStateOf(e)) return r;
    ctx.note('the service moved readinessStatus/sharingState after the read: retried with the new eTag');
    ({ g, e } = fresh);
  }
  return undefined;
}

export const enums = [
  check({
    id: 'enums.response.declared-members',
    title: 'without Prefer: include-unknown-enum-members, every enum value returned is a declared member, as a string',
    severity: 'MUST',
    rule: 'Graph evolvable enums: members after unknownFutureValue are replaced by it; OData JSON §7.1; DR 0003',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const { g, e } = await readEntity(ctx, id);
      const list = await ctx.api.list();
      expectStatus(list, [200], 'list');
      for (const [where, res, ent] of [['GET', g, e], ...(list.json?.value ?? []).map((x: any) => ['list', list, x])] as [string, any, any][]) {
        for (const [prop, members] of Object.entries(DECLARED)) {
          const v = ent?.[prop];
          expectThat(typeof v === 'string', `${where}: ${prop} is ${JSON.stringify(v)}, not a member name string`, res, v, `one of ${members.join(', ')}`);
          expectThat(members.includes(v), `${where}: ${prop} "${v}" is not a declared member`, res, v, `one of ${members.join(', ')}`);
        }
      }
    },
  }),
  check({
    id: 'enums.create.unknown-future-value-400',
    title: 'POST with unknownFutureValue as an enum value answers 400 (or ignores that server-managed value); it is never stored',
    severity: 'MUST',
    rule: 'Graph evolvable enums: unknownFutureValue in POST is refused with 400; DR 0004 (server state may be ignored)',
    profiles: WRITE,
    async run(ctx) {
      for (const prop of ['sharingState', 'readinessStatus']) {
        const r = await ctx.api.create(ctx.validBody({ displayName: ctx.name(prop), [prop]: 'unknownFutureValue' }));
        if (await ignoredServerState(ctx, r, prop, 'unknownFutureValue')) continue;
        expectRejected(ctx.reg, r, `create with ${prop}: unknownFutureValue`);
      }
    },
  }),
  check({
    id: 'enums.patch.unknown-future-value-absent',
    title: 'PATCH with unknownFutureValue leaves the stored value unchanged',
    severity: 'MUST',
    rule: 'Graph evolvable enums: on PATCH treat the property as absent; DR 0014',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const { e: before } = await readEntity(ctx, id);
      const r = await ctx.api.patch(id, { sharingState: 'unknownFutureValue' });
      if (r.status === 400) {
        ctx.note('PATCH with unknownFutureValue answered 400 (the pattern says: treat as absent)');
        expectRejected(ctx.reg, r, 'PATCH with unknownFutureValue');
      } else expectStatus(r, [200, 204], 'PATCH with sharingState: unknownFutureValue');
      const { g, e } = await readEntity(ctx, id);
      expectEqual(e.sharingState, before.sharingState, 'PATCH with unknownFutureValue changed sharingState', g);
    },
  }),
  check({
    id: 'enums.request.undeclared-member-400',
    title: 'POST or PATCH with an undeclared enum member answers 400 (or ignores that server-managed value) and never stores it',
    severity: 'MUST',
    rule: 'Graph evolvable enums; OData §11.4.2; DR 0004 (server state may be ignored)',
    profiles: WRITE,
    async run(ctx) {
      const c = await ctx.api.create(ctx.validBody({ displayName: ctx.name('bogus'), sharingState: 'bogus' }));
      if (!(await ignoredServerState(ctx, c, 'sharingState', 'bogus'))) expectRejected(ctx.reg, c, 'create with sharingState "bogus"');
      const { id } = await ctx.newFlow();
      const p = await ctx.api.patch(id, { sharingState: 'archived' });
      if (!(await ignoredServerState(ctx, p, 'sharingState', 'archived', id))) expectRejected(ctx.reg, p, 'PATCH with sharingState "archived"');
      const { g, e } = await readEntity(ctx, id);
      expectThat(e.sharingState !== 'archived', 'a refused undeclared member was stored', g, e.sharingState, 'unchanged');
    },
  }),
  check({
    id: 'enums.response.unknown-members-opt-in',
    title: 'with Prefer: include-unknown-enum-members the service answers normally and says Preference-Applied',
    severity: 'SHOULD',
    rule: 'Graph evolvable enums: the producer indicates the preference was applied with Preference-Applied',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const g = await ctx.api.get(id, { headers: { Prefer: 'include-unknown-enum-members' } });
      expectStatus(g, [200], 'GET with Prefer: include-unknown-enum-members');
      const e = entityOf(g);
      expectThat(typeof e?.sharingState === 'string' && typeof e?.readinessStatus === 'string', 'enum values are not member-name strings', g, [e?.readinessStatus, e?.sharingState], 'strings');
      const applied = g.headers['preference-applied'] ?? '';
      expectThat(/include-unknown-enum-members/i.test(applied), 'no Preference-Applied: include-unknown-enum-members', g, applied || '(none)', 'Preference-Applied: include-unknown-enum-members');
    },
  }),
];

export const etag = [
  check({
    id: 'etag.entity.present',
    title: 'every entity carries a non-empty string eTag',
    severity: 'MUST',
    rule: 'mutableEntity.eTag ("standard web concurrency control"); DR 0005',
    profiles: WRITE,
    async run(ctx) {
      const { id, res } = await ctx.newFlow();
      const { g, e } = await readEntity(ctx, id);
      expectThat(typeof e.eTag === 'string' && e.eTag !== '', 'GET: the entity has no eTag property', g, e.eTag, 'a non-empty string');
      if (res.status === 201) expectThat(typeof res.json?.eTag === 'string' && res.json.eTag !== '', 'create: the 201 body has no eTag', res, res.json?.eTag, 'a non-empty string');
    },
  }),
  check({
    id: 'etag.patch.rotates',
    title: 'the eTag changes when a PATCH changes the entity',
    severity: 'MUST',
    rule: 'OData §11.4.1.1: the ETag MUST change when the entity changes',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const { g: g0 } = await readEntity(ctx, id);
      const before = etagOf(g0);
      if (!before) return ctx.unsupported('etag', 'no eTag to compare (etag.entity.present fails)');
      expectStatus(await ctx.api.patch(id, { displayName: ctx.name('v2') }), [200, 204], 'PATCH');
      const { g } = await readEntity(ctx, id);
      expectThat(etagOf(g) !== before, 'the eTag did not change after PATCH changed displayName', g, etagOf(g), `anything but ${before}`);
    },
  }),
  check({
    id: 'etag.read.stable',
    title: 'the eTag stays the same across reads with no write in between',
    severity: 'SHOULD',
    rule: 'OData §11.4.1.1: an ETag identifies a version',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      let { g: g1, e: e1 } = await readEntity(ctx, id);
      let { g: g2, e: e2 } = await readEntity(ctx, id);
      if (serverStateOf(e1) !== serverStateOf(e2)) {
        // the service moved its lifecycle state between the reads (its own write): compare the next pair
        ctx.note('readinessStatus/sharingState moved between two reads; compared a later pair');
        ({ g: g1, e: e1 } = { g: g2, e: e2 });
        ({ g: g2, e: e2 } = await readEntity(ctx, id));
      }
      expectEqual(etagOf(g2), etagOf(g1), 'the eTag changed between two reads', g2);
    },
  }),
  check({
    id: 'etag.patch.current-if-match',
    title: 'PATCH with If-Match: <current eTag> succeeds',
    severity: 'MUST',
    rule: 'OData §8.2.4',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const newName = ctx.name('ok');
      const r = await withCurrentTag(ctx, id, (tag) => ctx.api.patch(id, { displayName: newName }, { headers: { 'If-Match': tag } }));
      if (!r) return ctx.unsupported('etag', 'no eTag to send');
      expectStatus(r, [200, 204], `PATCH with If-Match: ${r.exchange.requestHeaders['If-Match']} (the current eTag)`);
      const { g, e } = await readEntity(ctx, id);
      expectEqual(e.displayName, newName, 'PATCH with the current If-Match was not applied', g);
    },
  }),
  check({
    id: 'etag.patch.stale-if-match-412',
    title: 'PATCH with a stale If-Match answers 412 and changes nothing',
    severity: 'MUST',
    rule: 'OData §8.2.4, §9.2.5; DR 0005',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const stale = etagOf((await readEntity(ctx, id)).g);
      if (!stale) return ctx.unsupported('etag', 'no eTag to send');
      expectStatus(await ctx.api.patch(id, { displayName: ctx.name('v2') }), [200, 204], 'PATCH (makes the eTag stale)');
      const { e: mid } = await readEntity(ctx, id);
      const r = await withStaleTag(stale, (tag) => ctx.api.patch(id, { displayName: ctx.name('lost-update') }, { headers: { 'If-Match': tag } }));
      expectRejected(ctx.reg, r, 'PATCH with a stale If-Match', [412]);
      const { g, e } = await readEntity(ctx, id);
      expectEqual(e.displayName, mid.displayName, 'a PATCH refused with 412 changed displayName', g);
    },
  }),
  check({
    id: 'etag.delete.stale-if-match-412',
    title: 'DELETE with a stale If-Match answers 412 and the entity stays',
    severity: 'MUST',
    rule: 'OData §8.2.4; Azure conditional requests',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const stale = etagOf((await readEntity(ctx, id)).g);
      if (!stale) return ctx.unsupported('etag', 'no eTag to send');
      expectStatus(await ctx.api.patch(id, { displayName: ctx.name('v2') }), [200, 204], 'PATCH (makes the eTag stale)');
      const r = await withStaleTag(stale, (tag) => ctx.api.delete(id, { headers: { 'If-Match': tag } }));
      expectRejected(ctx.reg, r, 'DELETE with a stale If-Match', [412]);
      const g = await ctx.api.get(id);
      expectStatus(g, [200], 'GET after a DELETE refused with 412');
    },
  }),
  check({
    id: 'etag.delete.current-if-match',
    title: 'DELETE with If-Match: <current eTag> deletes',
    severity: 'MUST',
    rule: 'OData §8.2.4: a matching If-Match is processed; Azure conditional requests (match: 204)',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const r = await withCurrentTag(ctx, id, (tag) => ctx.api.delete(id, { headers: { 'If-Match': tag } }));
      if (!r) return ctx.unsupported('etag', 'no eTag to send');
      expectStatus(r, [204], 'DELETE with If-Match: <the current eTag>');
      expectStatus(await ctx.api.get(id), [404], 'GET after DELETE with the current If-Match');
    },
  }),
  check({
    id: 'etag.patch.if-none-match-star-412',
    title: 'PATCH with If-None-Match: * on an existing entity answers 412 and changes nothing',
    severity: 'SHOULD',
    rule: 'OData §8.2.5, §11.4.4: If-None-Match: * means insert only; Azure conditional requests',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const { e: before } = await readEntity(ctx, id);
      const r = await ctx.api.patch(id, { displayName: ctx.name('never') }, { headers: { 'If-None-Match': '*' } });
      expectRejected(ctx.reg, r, 'PATCH with If-None-Match: * on an existing entity', [412]);
      const { g, e } = await readEntity(ctx, id);
      expectEqual(e.displayName, before.displayName, 'a PATCH refused with 412 changed displayName', g);
    },
  }),
  check({
    id: 'etag.patch.concurrent-single-winner',
    title: 'of several concurrent PATCHes with the same If-Match exactly one succeeds; the others answer 412',
    severity: 'MUST',
    rule: 'OData §8.2.4: only a matching If-Match is processed',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const names = [1, 2, 3, 4].map((n) => ctx.name(`writer${n}`));
      let results: HttpResponse[] = [];
      // the writers race with the tag that works for a single writer (its form, and fresh if the service moved)
      const probe = await withCurrentTag(ctx, id, async (tag) => {
        results = await Promise.all(names.map((displayName) => ctx.api.patch(id, { displayName }, { headers: { 'If-Match': tag } })));
        return results.find((r) => r.status !== 412) ?? results[0];
      });
      if (!probe) return ctx.unsupported('etag', 'no eTag to send');
      const ok = results.filter((r) => r.status === 200 || r.status === 204);
      // 412 is the If-Match answer; 409 is how some Graph workloads refuse a concurrent write (Planner: both mean conflict)
      const conflicts = results.filter((r) => r.status === 412 || r.status === 409);
      if (ok.length !== 1 || conflicts.length !== results.length - 1) {
        failWith(`concurrent PATCHes with one If-Match: ${ok.length} succeeded, ${conflicts.length} answered 412/409 (statuses ${results.map((r) => r.status).join(', ')})`, ok[1] ?? results[0], results.map((r) => r.status), 'exactly one 2xx, the rest 412 (or 409)');
      }
      const { g, e } = await readEntity(ctx, id);
      const winner = names[results.indexOf(ok[0])];
      expectEqual(e.displayName, winner, 'the stored displayName is not the one of the PATCH that succeeded', g);
    },
  }),
];
