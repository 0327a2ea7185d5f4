/** OData protocol (collections, paging, query options, methods), error envelope, request ids, auth, model. */
import { randomUUID } from 'node:crypto';
import { flowScenario, runScenario } from '../generators/model.js';
import { HarnessError } from '../target/errors.js';
import { entityOf, expectEqual, expectErrorEnvelope, expectJson, expectRejected, expectSchema, expectStatus, expectThat } from '../target/expect.js';
import type { HttpResponse } from '../target/http.js';
import { limitedByTop } from '../target/resource.js';
import { ALL, bodyOptions, check, FULL, WRITE, whenQuiescent } from './define.js';
import type { CheckContext } from './types.js';

/** members a $select answer may carry besides the selected ones */
const SELECT_ALWAYS = new Set(['id', 'eTag']);
const idsOf = (pages: HttpResponse[]) => pages.flatMap((p) => (p.json?.value ?? []).map((e: any) => e?.id));

async function needQuery(ctx: CheckContext, option: '$top' | '$select' | '$filter' | '$count') {
  if (!(await ctx.caps.query(ctx, option))) return ctx.unsupported(`query.${option}`, `the target answers ${option} with an error (allowed: the list page does not say which options are supported; DR 0011)`);
}

/**
 * A $top that splits the collection as it is now into about four pages (at least 2 entities a page, at most 100, a
 * page size every Graph workload accepts), so that paging is exercised without costing a request per entity on a
 * large tenant; undefined when $top is unsupported.
 */
async function smallPageSize(ctx: CheckContext): Promise<number | undefined> {
  if (!(await ctx.caps.query(ctx, '$top'))) return undefined;
  return Math.min(100, Math.max(2, Math.ceil(idsOf(await ctx.api.listAll()).length / 4)));
}

async function flows(ctx: CheckContext, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await ctx.newFlow()).id);
  return out;
}

const camel = (status: number) =>
  ({ 400: 'badRequest', 401: 'unauthenticated', 403: 'forbidden', 404: 'notFound', 405: 'methodNotAllowed', 406: 'notAcceptable', 409: 'conflict', 412: 'preconditionFailed', 415: 'unsupportedMediaType', 429: 'tooManyRequests', 500: 'internalServerError', 501: 'notImplemented', 503: 'serviceUnavailable' })[status];

/** Error answers any target gives without a write: unknown id, unknown segment. */
async function provokeErrors(ctx: CheckContext): Promise<HttpResponse[]> {
  const out = [await ctx.api.get(randomUUID()), await ctx.api.request(`${ctx.api.itemUrl(randomUUID())}/bogusSegment`)];
  const q = await ctx.api.list('?$bogusOption=1');
  if (q.status >= 400) out.push(q);
  return out;
}

export const odata = [
  check({
    id: 'odata.collection.envelope',
    title: 'the collection answers 200 with an object holding a value array of entities',
    severity: 'MUST',
    rule: 'Graph guidelines: a root object with a value property; OData JSON §12',
    profiles: ALL,
    async run(ctx) {
      const r = await ctx.api.list();
      expectStatus(r, [200], 'list');
      expectJson(r, 'list');
      expectSchema(ctx.reg, r, 'dataShareOutgoingFlow.collection', 'list');
    },
  }),
  check({
    id: 'odata.paging.complete',
    title: 'following @odata.nextLink to the end lists every entity exactly once',
    severity: 'MUST',
    rule: 'OData §11.2.6.7; Graph collections (stable order); DR 0011',
    profiles: WRITE,
    async run(ctx) {
      const mine = await flows(ctx, 5);
      const k = await smallPageSize(ctx);
      const queries = k ? [`?$top=${k}`, ''] : [''];
      for (const query of queries) {
        await whenQuiescent(ctx, async () => {
          const pages = await ctx.api.listAll(query);
          for (const p of pages) expectStatus(p, [200], `list${query}`);
          if (query && pages.length === 1 && (pages[0].json?.value?.length ?? 0) <= (k ?? 0) && !mine.every((id) => idsOf(pages).includes(id))) {
            ctx.note('$top limits the result without a nextLink (OData semantics); completeness checked on the unpaged list');
            return;
          }
          const ids = idsOf(pages);
          for (const id of mine) {
            const n = ids.filter((x) => x === id).length;
            expectThat(n === 1, `list${query}: entity ${id} appears ${n} times over ${pages.length} page(s)`, pages.at(-1), n, 1);
          }
          const dup = ids.filter((x, i) => ids.indexOf(x) !== i);
          expectEqual(dup, [], `list${query}: ids repeated across pages`, pages.at(-1));
          for (const p of pages.slice(0, -1)) {
            const next = p.json['@odata.nextLink'];
            expectThat(/^https?:\/\//.test(next), 'a nextLink is not an absolute URL', p, next, 'an absolute URL');
          }
        });
      }
    },
  }),
  check({
    id: 'odata.paging.final-page-no-nextlink',
    title: 'no page carries "@odata.nextLink": null; the last page carries none',
    severity: 'MUST',
    rule: 'OData §11.2.6.7: the final partial set MUST NOT contain a next link; Azure: never null',
    profiles: WRITE,
    async run(ctx) {
      await flows(ctx, 3);
      const k = await smallPageSize(ctx);
      for (const query of k ? [`?$top=${k}`, ''] : ['']) {
        const pages = await ctx.api.listAll(query);
        for (const p of pages) {
          if (p.status !== 200) continue;
          expectThat(!('@odata.nextLink' in p.json) || typeof p.json['@odata.nextLink'] === 'string', `list${query}: "@odata.nextLink" is ${JSON.stringify(p.json['@odata.nextLink'])}`, p, p.json['@odata.nextLink'], 'absent or a URL');
        }
      }
    },
  }),
  check({
    id: 'odata.query.top',
    title: '$top=1 answers at most one entity',
    severity: 'MUST',
    rule: 'OData §11.2.6.3 (when supported); DR 0011',
    profiles: WRITE,
    async run(ctx) {
      await needQuery(ctx, '$top');
      await flows(ctx, 2);
      const r = await ctx.api.list('?$top=1');
      expectStatus(r, [200], 'list?$top=1');
      expectThat(r.json.value.length <= 1, `$top=1 answered ${r.json.value.length} entities`, r, r.json.value.length, '<= 1');
    },
  }),
  check({
    id: 'odata.query.select',
    title: '$select=displayName answers entities with displayName and no other structural property but id',
    severity: 'MUST',
    rule: 'Graph guidelines: MUST support $select; OData §11.2.5.1',
    profiles: WRITE,
    async run(ctx) {
      await needQuery(ctx, '$select');
      const { id } = await ctx.newFlow();
      const r = await ctx.api.list('?$select=displayName');
      expectStatus(r, [200], 'list?$select=displayName');
      const e = r.json.value.find((x: any) => x.id === id) ?? r.json.value[0];
      expectThat(e, '$select: no entity listed', r);
      // the key and the concurrency token may come along (Graph always returns id; DR 0005 eTag)
      const extra = Object.keys(e).filter((k) => !k.includes('@') && !SELECT_ALWAYS.has(k) && k !== 'displayName');
      expectEqual(extra, [], '$select=displayName: other properties returned', r);
      expectThat('displayName' in e, '$select=displayName: displayName missing', r, Object.keys(e), 'displayName');
      const g = await ctx.api.get(id, { query: '?$select=shareName' });
      if (g.status === 200) {
        const ge = entityOf(g);
        expectEqual(Object.keys(ge).filter((k) => !k.includes('@') && !SELECT_ALWAYS.has(k)), ['shareName'], 'GET ?$select=shareName: other properties returned', g);
      }
    },
  }),
  check({
    id: 'odata.query.filter',
    title: '$filter with eq and ne on a string returns exactly the matching entities',
    severity: 'MUST',
    rule: 'Graph guidelines: SHOULD support eq/ne; OData §11.2.6.1 (a supported option is honoured); DR 0011',
    profiles: WRITE,
    async run(ctx) {
      await needQuery(ctx, '$filter');
      const a = await ctx.newFlow();
      const b = await ctx.newFlow();
      const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
      const eq = idsOf(await ctx.api.listAll(`?$filter=${encodeURIComponent(`displayName eq ${lit(a.entity.displayName)}`)}`));
      expectEqual(eq, [a.id], `$filter=displayName eq '${a.entity.displayName}'`);
      const ne = idsOf(await ctx.api.listAll(`?$filter=${encodeURIComponent(`displayName ne ${lit(a.entity.displayName)}`)}`));
      expectThat(ne.includes(b.id) && !ne.includes(a.id), `$filter ne: expected ${b.id} in and ${a.id} out`, undefined, ne, `contains ${b.id}, not ${a.id}`);
    },
  }),
  check({
    id: 'odata.query.count',
    title: '$count=true adds @odata.count, the total over all pages',
    severity: 'MUST',
    rule: 'OData §11.2.6.5 (when supported), OData JSON §4.5.4',
    profiles: WRITE,
    async run(ctx) {
      await needQuery(ctx, '$count');
      await flows(ctx, 3);
      // @odata.count is a snapshot, and the run's other checks (and a tenant's other clients) write meanwhile. A
      // reading is judged only in a quiet window: the run's ledger did not move (no create or delete of this run
      // completed) and the listings before and after match the paged one; outside one, it is read again.
      const k = await smallPageSize(ctx);
      const query = k ? `?$count=true&$top=${k}` : '?$count=true';
      for (let attempt = 1; attempt <= 12; attempt++) {
        if (attempt > 1) await new Promise((r) => setTimeout(r, 25 * attempt));
        const mark = ctx.api.ledger.mark();
        const before = idsOf(await ctx.api.listAll());
        const pages = await ctx.api.listAll(query);
        const first = pages[0];
        expectStatus(first, [200], `list${query}`);
        const count = first.json['@odata.count'];
        expectThat(Number.isInteger(count), '@odata.count is missing or not an integer', first, count, 'an integer');
        // DR 0011: $top may limit the whole result; the count is still the collection's, read unpaged
        const paged = idsOf(pages);
        const limited = k !== undefined && limitedByTop(pages, k) && before.length > k;
        const ids = limited ? before : paged;
        const after = idsOf(await ctx.api.listAll());
        const same = (a: string[], b: string[]) => new Set(a).size === a.length && a.length === b.length && b.every((x) => a.includes(x));
        if (ctx.api.ledger.mark() !== mark || !same(ids, before) || !same(ids, after)) continue;
        if (attempt > 1) ctx.note(`judged on reading ${attempt}: the collection changed during the earlier ones`);
        return expectEqual(count, ids.length, `@odata.count differs from the number of entities over all pages${limited ? ' (read unpaged: $top limits the result)' : ''} (a quiet reading)`, first);
      }
      throw new HarnessError('unstable', 'the collection changed during each of 12 readings: @odata.count could not be judged');
    },
  }),
  check({
    id: 'odata.query.filter-enum',
    title: '$filter with eq and ne on an enum property returns exactly the matching entities',
    severity: 'MUST',
    rule: 'Graph guidelines: SHOULD support eq/ne; OData §11.2.6.1 (a supported option is honoured); DR 0011',
    profiles: WRITE,
    async run(ctx) {
      await needQuery(ctx, '$filter');
      const { id, entity } = await ctx.newFlow();
      const v = entity.sharingState;
      expectThat(typeof v === 'string', 'the created flow has no sharingState', undefined, v, 'a member name');
      const eqPages = await ctx.api.listAll(`?$filter=${encodeURIComponent(`sharingState eq '${v}'`)}`);
      if (eqPages[0].status >= 400 && eqPages[0].status < 500 || eqPages[0].status === 501) {
        expectRejected(ctx.reg, eqPages[0], '$filter on an enum', [eqPages[0].status]);
        return ctx.unsupported('query.$filter.enum', `$filter on an enum answered ${eqPages[0].status} (allowed: DR 0011)`);
      }
      for (const p of eqPages) expectStatus(p, [200], `$filter=sharingState eq '${v}'`);
      const eq = eqPages.flatMap((p) => p.json?.value ?? []);
      const wrong = eq.filter((e: any) => e?.sharingState !== v).map((e: any) => `${e?.id}=${e?.sharingState}`);
      expectEqual(wrong, [], `$filter=sharingState eq '${v}' returned entities with another sharingState`, eqPages[0]);
      expectThat(eq.some((e: any) => e?.id === id), `$filter=sharingState eq '${v}' misses ${id}`, eqPages[0], eq.length, `a list containing ${id}`);
      const nePages = await ctx.api.listAll(`?$filter=${encodeURIComponent(`sharingState ne '${v}'`)}`);
      for (const p of nePages) expectStatus(p, [200], `$filter=sharingState ne '${v}'`);
      const ne = nePages.flatMap((p) => p.json?.value ?? []);
      const wrongNe = ne.filter((e: any) => e?.sharingState === v).map((e: any) => e?.id);
      expectEqual(wrongNe, [], `$filter=sharingState ne '${v}' returned entities with sharingState ${v}`, nePages[0]);
    },
  }),
  check({
    id: 'odata.prefer.return-minimal',
    title: 'Prefer: return=minimal on POST and PATCH is ignored (201/200 with the entity) or applied (204, empty body, the entity named)',
    severity: 'MUST',
    rule: 'OData §8.2.8.7, §8.3.3-8.3.4 (Location, OData-EntityId on a 204 create), §11.4.2-11.4.3',
    profiles: WRITE,
    async run(ctx) {
      const prefer = { headers: { Prefer: 'return=minimal' } };
      const c = await ctx.api.create(ctx.validBody({ displayName: ctx.name('minimal') }), prefer);
      expectStatus(c, [201, 204], 'POST with Prefer: return=minimal');
      if (c.status === 204) {
        expectThat(c.text === '', 'POST 204 (return=minimal) with a body', c, c.text.slice(0, 100), 'an empty body');
        const named = c.headers['odata-entityid'] ?? c.headers.location;
        expectThat(named, 'POST 204 (return=minimal) names no entity: no OData-EntityId, no Location', c, undefined, 'OData-EntityId or Location');
      } else expectThat(typeof c.json?.id === 'string', 'POST 201 without the entity', c, c.json, 'the created entity');
      const t = ctx.api.tracker.items.at(-1);
      expectThat(t, 'POST with Prefer: return=minimal: the created entity cannot be found from the answer', c);
      const newName = ctx.name('minimal-patched');
      const p = await ctx.api.patch(t.id, { displayName: newName }, prefer);
      expectStatus(p, [200, 204], 'PATCH with Prefer: return=minimal');
      if (p.status === 204) expectThat(p.text === '', 'PATCH 204 (return=minimal) with a body', p, p.text.slice(0, 100), 'an empty body');
      const g = await ctx.api.get(t.id);
      expectStatus(g, [200], 'GET after writes with Prefer: return=minimal');
      expectEqual(entityOf(g)?.displayName, newName, 'PATCH with Prefer: return=minimal was not applied', g);
    },
  }),
  check({
    id: 'odata.prefer.unknown-ignored',
    title: 'an unknown preference and an unknown header are ignored: the request is answered as without them',
    severity: 'MUST',
    rule: 'OData §8.2.8: the service MUST ignore preference values that are not supported or not known; Azure: do not fail on an unrecognised header',
    profiles: ALL,
    async run(ctx) {
      const r = await ctx.api.list('', { headers: { Prefer: 'odata.dsc-unknown-preference=1', 'X-Dsc-Probe': '1' } });
      expectStatus(r, [200], 'list with an unknown Prefer value and an unknown header');
      expectSchema(ctx.reg, r, 'dataShareOutgoingFlow.collection', 'list with an unknown Prefer value');
    },
  }),
  check({
    id: 'odata.query.invalid-values-400',
    title: '$top=-1, $count=maybe and a malformed $filter answer 400',
    severity: 'MUST',
    rule: 'OData §11.2.6.3 ($top non-negative), §11.2.6.5 ($count true|false), §9.2 (malformed request)',
    profiles: ALL,
    async run(ctx) {
      let tested = 0;
      if (await ctx.caps.query(ctx, '$filter')) {
        expectRejected(ctx.reg, await ctx.api.list(`?$filter=${encodeURIComponent('displayName eq')}`), '$filter=displayName eq (no operand)');
        tested++;
      }
      if (await ctx.caps.query(ctx, '$top')) {
        expectRejected(ctx.reg, await ctx.api.list('?$top=-1'), '$top=-1');
        tested++;
      }
      if (await ctx.caps.query(ctx, '$count')) {
        expectRejected(ctx.reg, await ctx.api.list('?$count=maybe'), '$count=maybe');
        tested++;
      }
      if (!tested) return ctx.unsupported('query.$top', 'none of $top, $count, $filter is supported');
    },
  }),
  check({
    id: 'odata.query.unknown-option-rejected',
    title: 'an unknown or repeated system query option answers 4xx instead of being ignored',
    severity: 'SHOULD',
    rule: 'OData §11.2.6: MUST fail; Graph docs: "might fail silently"; DR 0011',
    profiles: ALL,
    async run(ctx) {
      const r = await ctx.api.list('?$bogusOption=1');
      expectThat(r.status >= 400 && r.status < 500 || r.status === 501, `unknown option $bogusOption answered ${r.status}`, r, r.status, '4xx or 501');
      expectErrorEnvelope(ctx.reg, r, 'unknown option');
    },
  }),
  check({
    id: 'odata.method.405-allow',
    title: 'PUT on an entity replaces it, or is refused with 405 (with Allow), 400 or 501',
    severity: 'MUST',
    rule: 'OData §9.2.2: 405 MUST include Allow; §9.3.1: 501 for what is not implemented; Graph: SHOULD NOT use PUT',
    profiles: WRITE,
    async run(ctx) {
      const { id, body } = await ctx.newFlow();
      const put = await ctx.api.request(ctx.api.itemUrl(id), { method: 'PUT', json: { ...body, displayName: ctx.name('put') } });
      if (put.status >= 200 && put.status < 300) {
        ctx.note('PUT is supported with replace semantics');
        const g = await ctx.api.get(id);
        expectEqual(entityOf(g)?.displayName?.endsWith('-put'), true, 'PUT answered 2xx but did not replace', g);
      } else {
        expectRejected(ctx.reg, put, 'PUT on an entity', [405, 400, 501]);
        if (put.status === 405) expectThat(put.headers.allow, 'PUT: 405 without an Allow header', put, undefined, 'Allow: GET, PATCH, DELETE');
      }
    },
  }),
  check({
    id: 'odata.method.delete-collection-refused',
    title: 'DELETE on the collection is refused (405 with Allow, 400 or 501) and deletes nothing',
    severity: 'MUST',
    rule: 'OData §9.2.2',
    profiles: FULL,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const r = await ctx.api.request(ctx.api.collectionUrl, { method: 'DELETE' });
      expectRejected(ctx.reg, r, 'DELETE on the collection', [405, 400, 501]);
      if (r.status === 405) expectThat(r.headers.allow, 'DELETE collection: 405 without an Allow header', r, undefined, 'Allow: GET, POST');
      expectStatus(await ctx.api.get(id), [200], 'GET after a refused DELETE on the collection');
    },
  }),
];

export const errors = [
  check({
    id: 'errors.body.envelope',
    title: 'every 4xx answer is a JSON object {"error": {"code", "message"}} with non-empty strings',
    severity: 'MUST',
    rule: 'OData JSON §21; OData §9.4; Graph error model; DR 0010',
    profiles: ALL,
    async run(ctx) {
      for (const r of await provokeErrors(ctx)) {
        expectThat(r.status >= 400, `expected an error answer, got ${r.status}`, r, r.status, '4xx');
        expectThat(/application\/json/i.test(r.headers['content-type'] ?? ''), `${r.status} answer with Content-Type ${r.headers['content-type']}`, r, r.headers['content-type'], 'application/json');
        expectErrorEnvelope(ctx.reg, r, `${r.exchange.method} ${r.exchange.url}`);
      }
    },
  }),
  check({
    id: 'errors.body.code-camelcase',
    title: 'error.code is the camelCased status text (badRequest, notFound, …)',
    severity: 'SHOULD',
    rule: 'Graph guidelines: the top-level code matches the status description; DR 0010',
    profiles: ALL,
    async run(ctx) {
      for (const r of await provokeErrors(ctx)) expectEqual(r.json?.error?.code, camel(r.status), `error.code of a ${r.status}`, r);
    },
  }),
  check({
    id: 'errors.headers.request-id',
    title: 'every answer carries a request-id header',
    severity: 'SHOULD',
    rule: 'Graph best practices: log request-id of every response; DR 0010',
    profiles: ALL,
    async run(ctx) {
      for (const r of [await ctx.api.list(), await ctx.api.get(randomUUID())]) expectThat(r.headers['request-id'], `${r.status} answer without request-id`, r, undefined, 'a request-id header');
    },
  }),
  check({
    id: 'errors.headers.client-request-id-echo',
    title: 'the client-request-id sent is echoed in the answer',
    severity: 'SHOULD',
    rule: 'Graph best practices; DR 0010',
    profiles: ALL,
    async run(ctx) {
      for (const r of [await ctx.api.list(), await ctx.api.get(randomUUID())]) expectEqual(r.headers['client-request-id'], r.exchange.clientRequestId, `${r.status} answer: client-request-id not echoed`, r);
    },
  }),
];

export const auth = [
  check({
    id: 'auth.token.missing-401',
    title: 'a request without Authorization answers 401 with an OData error',
    severity: 'MUST',
    rule: 'every page: Authorization Bearer {token} Required; Graph errors: 401',
    profiles: ALL,
    needs: ['token'],
    async run(ctx) {
      const r = await ctx.api.list('', { auth: false });
      expectRejected(ctx.reg, r, 'list without Authorization', [401]);
    },
  }),
  check({
    id: 'auth.token.invalid-401',
    title: 'a request with an invalid bearer token answers 401',
    severity: 'MUST',
    rule: 'Graph errors: 401 for an invalid token',
    profiles: ALL,
    needs: ['token'],
    async run(ctx) {
      const r = await ctx.api.list('', { auth: false, headers: { Authorization: 'Bearer dsc-not-a-valid-token' } });
      expectRejected(ctx.reg, r, 'list with an invalid token', [401]);
    },
  }),
];

export const model = [
  check({
    id: 'model.commands.sequences',
    title: 'random sequences of create/get/list/patch/stale-patch/delete/runs/function keep the target equal to the model',
    severity: 'MUST',
    rule: 'OData §9.2, §11.4.1.1, §11.4.3; the contract as a state machine',
    profiles: WRITE,
    generated: true,
    async run(ctx) {
      await ctx.newFlow(); // discovers how creates must look (DR 0004)
      const runsAdd = await ctx.caps.runsAdd(ctx);
      // list commands page in steps that scale with the collection (a large tenant must not cost a request per entity)
      const pageBase = Math.min(97, Math.floor(idsOf(await ctx.api.listAll()).length / 4));
      await ctx.property(
        flowScenario(ctx.reg, ctx.marker, bodyOptions(ctx)),
        async (scenario) => {
          let failure: unknown;
          try {
            await runScenario({ api: ctx.api, reg: ctx.reg, runsAdd, createExtras: await ctx.caps.createExtras(ctx), pageBase }, scenario);
          } catch (e) {
            failure = e;
          }
          const rep = await ctx.api.cleanup();
          if (failure) throw failure;
          if (rep.failures.length) throw new HarnessError('cleanup', `cleanup between sequences failed: ${rep.failures.join('; ')}`);
        },
        { numRuns: Math.max(3, Math.ceil(ctx.settings.numRuns / 3)) },
      );
    },
  }),
];
