/** CRUD and read-after-write. */
import { randomUUID } from 'node:crypto';
import { validCreateBody } from '../generators/bodies.js';
import { blankKeys } from '../generators/strings.js';
import { entityOf, expectEqual, expectJson, expectRejected, expectSchema, expectStatus, expectThat, failWith } from '../target/expect.js';
import { idFromLocation } from '../target/resource.js';
import { ALL, bodyOptions, check, WRITE } from './define.js';

const WRITABLE = ['displayName', 'shareName', 'inviteeUserIds'] as const;
const pickWritable = (e: any) => Object.fromEntries(WRITABLE.map((k) => [k, e?.[k]]));
/** server-managed and annotation members, which a later read may legitimately show moved (DR 0004, DR 0005) */
const SERVER_MANAGED = new Set(['eTag', 'readinessStatus', 'sharingState']);

export default [
  check({
    id: 'crud.create.201-entity',
    title: 'POST of a valid body answers 201 with the created entity, which has a server-generated id',
    severity: 'MUST',
    rule: 'create page: "201 Created and a dataShareOutgoingFlow object"; OData §11.4.2',
    profiles: WRITE,
    async run(ctx) {
      const { res } = await ctx.newFlow();
      if (res.status === 204) {
        ctx.note('204 after create: allowed only with Prefer: return=minimal (OData §11.4.2)');
        failWith('create without Prefer: return=minimal answered 204, expected 201 with the entity', res, 204, 201);
      }
      expectStatus(res, [201], 'create');
      expectJson(res, 'create');
      expectSchema(ctx.reg, res, 'dataShareOutgoingFlow', 'create');
      expectThat(typeof res.json.id === 'string' && res.json.id !== '', 'create: the 201 body has no id', res, res.json.id, 'a non-empty string id');
    },
  }),
  check({
    id: 'crud.create.location',
    title: 'a 201 carries a Location header that reads back the created entity',
    severity: 'MUST',
    rule: 'OData §8.3.3 and §11.4.2: Location MUST be returned from Create',
    profiles: WRITE,
    async run(ctx) {
      const { res, id } = await ctx.newFlow();
      const loc = res.headers.location;
      expectThat(loc, 'create: no Location header', res, undefined, `${ctx.api.itemUrl(id)}`);
      expectEqual(idFromLocation(loc), id, 'create: Location does not name the created entity', res);
      const g = await ctx.api.request(new URL(loc, ctx.api.collectionUrl).toString());
      expectStatus(g, [200], 'GET the Location URL');
      expectEqual(entityOf(g)?.id, id, 'GET Location: a different entity', g);
    },
  }),
  check({
    id: 'crud.create.round-trip',
    title: 'every writable property sent on create is returned unchanged by the 201 body and by a later GET',
    severity: 'MUST',
    rule: 'OData §11.4.1.5: the response holds the same content as a subsequent read',
    profiles: WRITE,
    generated: true,
    async run(ctx) {
      await ctx.property(validCreateBody(ctx.reg, ctx.marker, bodyOptions(ctx)), async (body) => {
        const sent = ctx.forCreate(body);
        const res = await ctx.api.create(sent);
        if (await ctx.api.shareNameTaken(res, body.shareName)) {
          // nothing documents whether shareName is unique: refusing one in use with 409 is allowed (DR 0018)
          expectRejected(ctx.reg, res, 'create with a shareName another entity holds', [409]);
          ctx.note(`refused shareName ${JSON.stringify(body.shareName)} (in use) with 409`);
          return;
        }
        if (res.status === 400 && blankKeys(body).length) {
          // nothing documents whether an empty or blank name is allowed: refusing it is allowed too (DR 0007)
          expectRejected(ctx.reg, res, 'create with a blank string');
          ctx.note(`refused blank ${blankKeys(body).join(', ')} with 400`);
          return;
        }
        expectStatus(res, [201, 204], 'create a generated body');
        const id = ctx.api.tracker.items.at(-1)!.id;
        if (res.status === 201) expectEqual(pickWritable(res.json), pickWritable(body), 'create: the 201 body differs from what was sent', res);
        const g = await ctx.api.get(id);
        expectStatus(g, [200], 'GET after create');
        expectEqual(pickWritable(entityOf(g)), pickWritable(body), 'GET after create: stored values differ from what was sent', g);
        await ctx.api.delete(id);
      });
    },
  }),
  check({
    id: 'crud.create.odata-type-accepted',
    title: 'POST whose @odata.type names dataShareOutgoingFlow is accepted like one without it',
    severity: 'MUST',
    rule: 'OData JSON §4.5.3 (type control information of the declared type); Graph SDKs send @odata.type',
    profiles: WRITE,
    async run(ctx) {
      const { entity } = await ctx.newFlow({ '@odata.type': '#microsoft.graph.industryData.dataShareOutgoingFlow', displayName: ctx.name('typed') });
      expectThat(typeof entity?.id === 'string', 'create with @odata.type: no entity', undefined, entity, 'the created entity');
    },
  }),
  check({
    id: 'crud.create.listed',
    title: 'a created entity is listed in the collection (following every nextLink)',
    severity: 'MUST',
    rule: 'Graph collections; OData §11.2.6.7',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const pages = await ctx.api.listAll();
      for (const p of pages) expectStatus(p, [200], 'list');
      const ids = pages.flatMap((p) => (p.json?.value ?? []).map((e: any) => e?.id));
      expectThat(ids.includes(id), `list: the created entity ${id} is missing from ${ids.length} listed entities`, pages.at(-1), ids.length, `a list containing ${id}`);
    },
  }),
  check({
    id: 'crud.get.200-entity',
    title: 'GET of an entity answers 200 with that entity, valid against the schema',
    severity: 'MUST',
    rule: 'get page; OData §9.1.1',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const g = await ctx.api.get(id);
      expectStatus(g, [200], 'GET');
      expectJson(g, 'GET');
      const e = entityOf(g);
      expectSchema(ctx.reg, g, 'dataShareOutgoingFlow', 'GET', e);
      expectEqual(e.id, id, 'GET: a different entity', g);
    },
  }),
  check({
    id: 'crud.get.unwrapped-entity',
    title: 'GET answers the bare entity, not {"value": entity}',
    severity: 'SHOULD',
    rule: 'get page prose; OData JSON §5; DR 0009 (the draft example wraps it)',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const g = await ctx.api.get(id);
      expectStatus(g, [200], 'GET');
      expectThat(g.json?.id === id, 'GET: the entity is wrapped in "value" (as the draft example shows)', g, Object.keys(g.json ?? {}), 'the entity at the top level');
    },
  }),
  check({
    id: 'crud.get.missing-404',
    title: 'GET of an id that does not exist answers 404 with an OData error',
    severity: 'MUST',
    rule: 'OData §9.2.1',
    profiles: ALL,
    async run(ctx) {
      const r = await ctx.api.get(randomUUID());
      expectRejected(ctx.reg, r, 'GET of an unknown id', [404]);
    },
  }),
  check({
    id: 'crud.patch.merge',
    title: 'PATCH changes the properties sent and no others; a 200 body equals a later GET',
    severity: 'MUST',
    rule: 'OData §11.4.3; update page (200) and shipped pattern (204); DR 0002',
    profiles: WRITE,
    async run(ctx) {
      const { id, entity } = await ctx.newFlow();
      const newName = ctx.name('renamed');
      const r = await ctx.api.patch(id, { displayName: newName });
      expectStatus(r, [200, 204], 'PATCH');
      if (r.status === 204) expectThat(r.text === '', 'PATCH 204 with a body', r, r.text, 'an empty body');
      const g = await ctx.api.get(id);
      expectStatus(g, [200], 'GET after PATCH');
      const after = entityOf(g);
      expectEqual(pickWritable(after), { ...pickWritable(entity), displayName: newName }, 'GET after PATCH {displayName}: unexpected values', g);
      if (r.status === 200) {
        // server-managed members excluded: the service may move them between the PATCH and the read (DR 0004)
        const strip = (e: any) => Object.fromEntries(Object.entries(e ?? {}).filter(([k]) => !k.includes('@') && !SERVER_MANAGED.has(k)));
        expectEqual(strip(entityOf(r)), strip(after), 'PATCH 200 body differs from a later GET', r);
      }
    },
  }),
  check({
    id: 'crud.patch.collection-replaced',
    title: 'a collection sent in PATCH replaces the stored collection',
    severity: 'MUST',
    rule: 'OData §11.4.3',
    profiles: WRITE,
    async run(ctx) {
      const { id, entity } = await ctx.newFlow();
      // another invitee the target knows, else a fresh GUID (DR 0016)
      const known = ctx.invitees.ids.find((x) => !entity?.inviteeUserIds?.includes(x));
      const next = [ctx.invitees.source !== 'none' && known ? known : randomUUID()];
      const r = await ctx.api.patch(id, { inviteeUserIds: next });
      if (r.status === 400 && !(ctx.invitees.source !== 'none' && known)) {
        expectRejected(ctx.reg, r, 'PATCH inviteeUserIds with an invitee the target did not offer');
        ctx.unsupported('invitees.second', `the target refuses an invitee it did not offer (${r.status}) and knows only one: set --invitee-ids with two ids (DR 0016)`);
      }
      expectStatus(r, [200, 204], 'PATCH inviteeUserIds');
      const g = await ctx.api.get(id);
      expectEqual(entityOf(g)?.inviteeUserIds, next, 'GET after PATCH inviteeUserIds', g);
    },
  }),
  check({
    id: 'crud.patch.missing-404',
    title: 'PATCH of an id that does not exist answers 404 and creates nothing',
    severity: 'MUST',
    rule: 'OData §11.4.4 (no upsert for service-generated keys); Graph upsert pattern',
    profiles: WRITE,
    async run(ctx) {
      const ghost = randomUUID();
      const r = await ctx.api.patch(ghost, { displayName: ctx.name('ghost') });
      if (r.status >= 200 && r.status < 300) ctx.api.tracker.add({ url: ctx.api.itemUrl(ghost), id: ghost });
      expectRejected(ctx.reg, r, 'PATCH of an unknown id', [404]);
      const g = await ctx.api.get(ghost);
      expectStatus(g, [404], 'GET after PATCH of an unknown id');
    },
  }),
  check({
    id: 'crud.delete.204-gone',
    title: 'DELETE answers 204 with no body, and the entity then reads 404 and is not listed',
    severity: 'MUST',
    rule: 'delete page; OData §11.4.5, §9.2.1',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const r = await ctx.api.delete(id);
      expectStatus(r, [204], 'DELETE');
      expectThat(r.text === '', 'DELETE 204 with a body', r, r.text, 'an empty body');
      const g = await ctx.api.get(id);
      expectStatus(g, [404], 'GET after DELETE');
      const ids = (await ctx.api.listAll()).flatMap((p) => (p.json?.value ?? []).map((e: any) => e?.id));
      expectThat(!ids.includes(id), 'list after DELETE still holds the entity', undefined, id, 'absent');
    },
  }),
  check({
    id: 'crud.delete.missing',
    title: 'DELETE of an id that does not exist answers 404 (or 204), never another status',
    severity: 'MUST',
    rule: 'OData §9.2.1 (404); Azure idempotent delete (204); DR 0012',
    profiles: WRITE,
    async run(ctx) {
      const r = await ctx.api.delete(randomUUID());
      expectStatus(r, [404, 204], 'DELETE of an unknown id');
      if (r.status === 404) expectRejected(ctx.reg, r, 'DELETE of an unknown id', [404]);
    },
  }),
  check({
    id: 'crud.delete.missing-404',
    title: 'DELETE of an id that does not exist answers 404',
    severity: 'SHOULD',
    rule: 'OData §9.2.1; DR 0012',
    profiles: WRITE,
    async run(ctx) {
      const r = await ctx.api.delete(randomUUID());
      expectStatus(r, [404], 'DELETE of an unknown id');
    },
  }),
];
