/** Evolvable enums and optimistic concurrency (eTag / If-Match). */
import { entityOf, etagOf, expectEqual, expectRejected, expectStatus, expectThat, failWith } from '../target/expect.js';
import { check, WRITE } from './define.js';
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
    title: 'POST with unknownFutureValue as an enum value answers 400',
    severity: 'MUST',
    rule: 'Graph evolvable enums: unknownFutureValue in POST is refused with 400',
    profiles: WRITE,
    async run(ctx) {
      for (const prop of ['sharingState', 'readinessStatus']) {
        const r = await ctx.api.create({ readinessStatus: 'notReady', sharingState: 'pending', displayName: ctx.name(prop), shareName: 's', inviteeUserIds: ['5f0c2a3e-9a63-4a8e-9a55-0d6f2b1c7e11'], [prop]: 'unknownFutureValue' });
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
    title: 'POST or PATCH with an undeclared enum member answers 400 and stores nothing',
    severity: 'MUST',
    rule: 'Graph evolvable enums; OData §11.4.2',
    profiles: WRITE,
    async run(ctx) {
      const c = await ctx.api.create({ displayName: ctx.name('bogus'), shareName: 's', inviteeUserIds: ['5f0c2a3e-9a63-4a8e-9a55-0d6f2b1c7e11'], readinessStatus: 'notReady', sharingState: 'bogus' });
      expectRejected(ctx.reg, c, 'create with sharingState "bogus"');
      const { id } = await ctx.newFlow();
      const p = await ctx.api.patch(id, { sharingState: 'archived' });
      expectRejected(ctx.reg, p, 'PATCH with sharingState "archived"');
      const { g, e } = await readEntity(ctx, id);
      expectThat(e.sharingState !== 'archived', 'a refused undeclared member was stored', g, e.sharingState, 'unchanged');
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
      const { g: g1 } = await readEntity(ctx, id);
      const { g: g2 } = await readEntity(ctx, id);
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
      const { g } = await readEntity(ctx, id);
      const tag = etagOf(g);
      if (!tag) return ctx.unsupported('etag', 'no eTag to send');
      const r = await ctx.api.patch(id, { displayName: ctx.name('ok') }, { headers: { 'If-Match': tag } });
      expectStatus(r, [200, 204], `PATCH with If-Match: ${tag}`);
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
      const r = await ctx.api.patch(id, { displayName: ctx.name('lost-update') }, { headers: { 'If-Match': stale } });
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
      const r = await ctx.api.delete(id, { headers: { 'If-Match': stale } });
      expectRejected(ctx.reg, r, 'DELETE with a stale If-Match', [412]);
      const g = await ctx.api.get(id);
      expectStatus(g, [200], 'GET after a DELETE refused with 412');
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
      const tag = etagOf((await readEntity(ctx, id)).g);
      if (!tag) return ctx.unsupported('etag', 'no eTag to send');
      const names = [1, 2, 3, 4].map((n) => ctx.name(`writer${n}`));
      const results = await Promise.all(names.map((displayName) => ctx.api.patch(id, { displayName }, { headers: { 'If-Match': tag } })));
      const ok = results.filter((r) => r.status === 200 || r.status === 204);
      const conflicts = results.filter((r) => r.status === 412);
      if (ok.length !== 1 || conflicts.length !== results.length - 1) {
        failWith(`concurrent PATCHes with one If-Match: ${ok.length} succeeded, ${conflicts.length} answered 412 (statuses ${results.map((r) => r.status).join(', ')})`, ok[1] ?? results[0], results.map((r) => r.status), 'exactly one 2xx, the rest 412');
      }
      const { g, e } = await readEntity(ctx, id);
      const winner = names[results.indexOf(ok[0])];
      expectEqual(e.displayName, winner, 'the stored displayName is not the one of the PATCH that succeeded', g);
    },
  }),
];
