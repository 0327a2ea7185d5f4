/** The reference mock driven with plain HTTP (not through the suite): operations, protocol rules, defects, faults. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFECTS } from '../mock/defects.js';
import { parseFaults } from '../mock/faults.js';
import { type MockServer, startMock } from '../mock/server.js';
import { schemas } from '../schemas/registry.js';

const reg = schemas();
const INVITEE = '5f0c2a3e-9a63-4a8e-9a55-0d6f2b1c7e11';
let mock: MockServer;
let coll: string;

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
const flowBody = (name = 'dsc-test') => ({ displayName: name, shareName: 'share', inviteeUserIds: [INVITEE] });
const create = async (name?: string) => (await call('POST', coll, flowBody(name))).json;
const expectError = (r: { status: number; json: any; headers: Headers }, status: number) => {
  expect(r.status).toBe(status);
  expect(reg.check('odataError', r.json)).toEqual([]);
  expect(r.headers.get('content-type')).toMatch(/application\/json/);
};

beforeAll(async () => {
  mock = await startMock();
  coll = mock.collectionUrl;
});
afterAll(() => mock.close());
beforeEach(() => {
  mock.reset();
  mock.setDefects([]);
  mock.setBehaviours([]);
});

describe('documented operations', () => {
  it('creates with 201, Location, ETag and a schema-valid entity', async () => {
    const r = await call('POST', coll, flowBody());
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`${coll}/${r.json.id}`);
    expect(r.headers.get('etag')).toBe(r.json.eTag);
    expect(reg.check('dataShareOutgoingFlow', r.json)).toEqual([]);
    expect(r.json).toMatchObject({ readinessStatus: 'notReady', sharingState: 'pending' });
  });
  it('lists, gets, patches (merge), deletes', async () => {
    const a = await create('a');
    const list = await call('GET', coll);
    expect(reg.check('dataShareOutgoingFlow.collection', list.json)).toEqual([]);
    expect(list.json.value.map((e: any) => e.id)).toEqual([a.id]);
    const g = await call('GET', `${coll}/${a.id}`);
    expect(g.json).toMatchObject({ id: a.id, displayName: 'a' });
    const p = await call('PATCH', `${coll}/${a.id}`, { shareName: 'new' });
    expect(p.status).toBe(200);
    expect(p.json).toMatchObject({ displayName: 'a', shareName: 'new' });
    expect(p.json.eTag).not.toBe(a.eTag);
    expect((await call('DELETE', `${coll}/${a.id}`)).status).toBe(204);
    expectError(await call('GET', `${coll}/${a.id}`), 404);
  });
  it('answers getPotentialDataShareInvitees on the collection, unqualified and qualified', async () => {
    for (const seg of ['getPotentialDataShareInvitees', 'microsoft.graph.industryData.getPotentialDataShareInvitees()']) {
      const r = await call('GET', `${coll}/${seg}`);
      expect(r.status).toBe(200);
      expect(reg.check('identity.collection', r.json)).toEqual([]);
    }
    const post = await call('POST', `${coll}/getPotentialDataShareInvitees`, {});
    expectError(post, 405);
    expect(post.headers.get('allow')).toBe('GET');
  });
  it('adds runs (201 and $ref 204), lists them ordered by time, gets one', async () => {
    const f = await create();
    const runs = `${coll}/${f.id}/runs`;
    const later = await call('POST', runs, { displayName: 'r2', startDateTime: '2026-02-01T00:00:00Z', status: 'completed', statistics: {} });
    expect(later.status).toBe(201);
    expect(later.headers.get('location')).toBe(`${runs}/${later.json.id}`);
    expect((await call('POST', `${runs}/$ref`, { displayName: 'r1', startDateTime: '2026-01-01T00:00:00Z', status: 'running', statistics: {} })).status).toBe(204);
    const l = await call('GET', runs);
    expect(reg.check('run.collection', l.json)).toEqual([]);
    expect(l.json.value.map((r: any) => r.displayName)).toEqual(['r1', 'r2']);
    expect((await call('GET', `${runs}/${later.json.id}`)).json.id).toBe(later.json.id);
    expectError(await call('POST', runs, { displayName: 'bad' }), 400);
  });
});

describe('protocol rules', () => {
  it('refuses invalid bodies with 400 and changes nothing', async () => {
    for (const body of [{}, { ...flowBody(), bogus: 1 }, { ...flowBody(), inviteeUserIds: [INVITEE, INVITEE] }, { ...flowBody(), sharingState: 'unknownFutureValue' }, { ...flowBody(), sharingState: 'nope' }, { ...flowBody(), '@odata.type': '#microsoft.graph.user' }, { ...flowBody(), displayName: 5 }, '{"displayName":']) {
      expectError(await call('POST', coll, body), 400);
    }
    expectError(await call('POST', coll, JSON.stringify(flowBody()), { 'Content-Type': 'text/plain' }), 415);
    expect((await call('GET', coll)).json.value).toEqual([]);
  });
  it('treats unknownFutureValue on PATCH as absent, and a refused PATCH changes nothing', async () => {
    const f = await create();
    expect((await call('PATCH', `${coll}/${f.id}`, { sharingState: 'unknownFutureValue' })).json.sharingState).toBe('pending');
    expectError(await call('PATCH', `${coll}/${f.id}`, { displayName: 'x', shareName: 3 }), 400);
    expect((await call('GET', `${coll}/${f.id}`)).json.displayName).toBe('dsc-test');
  });
  it('honours If-Match (current, stale, *) on PATCH and DELETE, and If-None-Match', async () => {
    const f = await create();
    const url = `${coll}/${f.id}`;
    const ok = await call('PATCH', url, { displayName: 'b' }, { 'If-Match': f.eTag });
    expect(ok.status).toBe(200);
    expectError(await call('PATCH', url, { displayName: 'c' }, { 'If-Match': f.eTag }), 412);
    expectError(await call('DELETE', url, undefined, { 'If-Match': f.eTag }), 412);
    expect((await call('PATCH', url, { displayName: 'd' }, { 'If-Match': '*' })).status).toBe(200);
    expectError(await call('PATCH', url, { displayName: 'e' }, { 'If-None-Match': '*' }), 412);
    const cur = (await call('GET', url)).json.eTag;
    expect((await call('GET', url, undefined, { 'If-None-Match': cur })).status).toBe(304);
  });
  it('serialises writes: of concurrent PATCHes with one If-Match exactly one succeeds', async () => {
    const f = await create();
    const rs = await Promise.all([1, 2, 3, 4, 5].map((n) => call('PATCH', `${coll}/${f.id}`, { displayName: `w${n}` }, { 'If-Match': f.eTag })));
    expect(rs.map((r) => r.status).sort()).toEqual([200, 412, 412, 412, 412]);
  });
  it('pages with $top and nextLink, supports $select, $filter, $count, and refuses unknown options', async () => {
    for (const n of ['a', 'b', 'c', "o'hara"]) await create(n);
    const p1 = await call('GET', `${coll}?$top=3&$count=true`);
    expect(p1.json.value).toHaveLength(3);
    expect(p1.json['@odata.count']).toBe(4);
    const p2 = await call('GET', p1.json['@odata.nextLink']);
    expect(p2.json.value.map((e: any) => e.displayName)).toEqual(["o'hara"]);
    expect(p2.json['@odata.nextLink']).toBeUndefined();
    expect(Object.keys((await call('GET', `${coll}?$select=shareName`)).json.value[0]).sort()).toEqual(['id', 'shareName']);
    const f = await call('GET', `${coll}?$filter=${encodeURIComponent("displayName eq 'o''hara' or displayName eq 'a'")}`);
    expect(f.json.value.map((e: any) => e.displayName)).toEqual(['a', "o'hara"]);
    expect((await call('GET', `${coll}?$filter=${encodeURIComponent("sharingState ne 'pending'")}`)).json.value).toEqual([]);
    for (const q of ['$bogus=1', '$top=-1', '$count=maybe', '$select=nope', '$filter=displayName%20eq', '$top=1&$top=2', '$orderby=displayName']) expectError(await call('GET', `${coll}?${q}`), 400);
  });
  it('sends request-id, echoes client-request-id, OData-Version; Prefer return=minimal and include-unknown-enum-members', async () => {
    const r = await call('POST', coll, flowBody(), { 'client-request-id': 'abc-123', Prefer: 'return=minimal' });
    expect(r.status).toBe(204);
    expect(r.headers.get('client-request-id')).toBe('abc-123');
    expect(r.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('odata-entityid')).toBe(r.headers.get('location'));
    expect(r.headers.get('preference-applied')).toBe('return=minimal');
    const g = await call('GET', coll, undefined, { Prefer: 'include-unknown-enum-members' });
    expect(g.headers.get('preference-applied')).toBe('include-unknown-enum-members');
    expect(g.headers.get('odata-version')).toBe('4.0');
  });
  it('answers 405 with Allow for unsupported methods and 404 for unknown segments', async () => {
    const f = await create();
    const put = await call('PUT', `${coll}/${f.id}`, flowBody());
    expectError(put, 405);
    expect(put.headers.get('allow')).toBe('GET, PATCH, DELETE');
    const del = await call('DELETE', coll);
    expectError(del, 405);
    expect(del.headers.get('allow')).toBe('GET, POST');
    expectError(await call('GET', `${coll}/${f.id}/bogus`), 404);
    expectError(await call('GET', `${mock.baseUrl}/somewhere`), 404);
  });
  it('enforces a bearer token when one is configured (401 with WWW-Authenticate)', async () => {
    const secured = await startMock({ token: 's3cret-token' });
    try {
      const r = await call('GET', secured.collectionUrl);
      expectError(r, 401);
      expect(r.headers.get('www-authenticate')).toMatch(/Bearer/);
      expectError(await call('GET', secured.collectionUrl, undefined, { Authorization: 'Bearer wrong' }), 401);
      expect((await call('GET', secured.collectionUrl, undefined, { Authorization: 'Bearer s3cret-token' })).status).toBe(200);
    } finally {
      await secured.close();
    }
  });
  it('resets state without a restart, also over HTTP', async () => {
    await create();
    expect(mock.store.flows.size).toBe(1);
    expect((await call('POST', `${mock.baseUrl.replace('/beta', '')}/_mock/reset`)).status).toBe(204);
    expect(mock.store.flows.size).toBe(0);
  });
});

describe('named defects', () => {
  it('number at least 30, span every area, and each has a rule', () => {
    expect(DEFECTS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(DEFECTS.map((d) => d.area)).size).toBe(10);
    for (const d of DEFECTS) expect(d.rule.length, d.id).toBeGreaterThan(5);
  });
  it('each changes the behaviour it names (a few shown over plain HTTP; all in selfcheck.test.ts)', async () => {
    mock.setDefects(['if-match-ignored']);
    const f = await create();
    await call('PATCH', `${coll}/${f.id}`, { displayName: 'b' });
    expect((await call('PATCH', `${coll}/${f.id}`, { displayName: 'c' }, { 'If-Match': f.eTag })).status).toBe(200);
    mock.setDefects(['enum-numeric']);
    expect((await call('GET', `${coll}/${f.id}`)).json.sharingState).toBe(0);
    mock.setDefects(['nextlink-null']);
    expect((await call('GET', coll)).json['@odata.nextLink']).toBeNull();
    mock.setDefects(['rejected-create-persists']);
    expectError(await call('POST', coll, { ...flowBody(), bogus: 1 }), 400);
    expect(mock.store.flows.size).toBe(2);
  });
  it('an unknown defect id is refused with the list hint', async () => {
    await expect(startMock({ defects: ['nope'] })).rejects.toThrow(/unknown defect "nope"/);
  });
});

describe('faults', () => {
  it('parses fault specs and refuses bad ones', () => {
    expect(parseFaults(['throttleEvery=3', 'retryAfter=none'])).toEqual({ throttleEvery: 3, retryAfter: null });
    expect(() => parseFaults(['nope=1'])).toThrow(/unknown fault/);
    expect(() => parseFaults(['dropEvery=x'])).toThrow(/whole number/);
  });
  it('throttles every Nth request with Retry-After, bursts 503, drops, truncates, answers non-JSON', async () => {
    mock.setFaults({ throttleEvery: 2, retryAfter: 1 });
    const a = await call('GET', coll);
    const b = await call('GET', coll);
    expect([a.status, b.status]).toEqual([200, 429]);
    expect(b.headers.get('retry-after')).toBe('1');
    mock.setFaults({ unavailableEvery: 1000, unavailableBurst: 1 });
    mock.setFaults({ dropEvery: 1 });
    await expect(fetch(coll)).rejects.toThrow();
    mock.setFaults({ truncateEvery: 1 });
    await expect(fetch(coll).then((r) => r.text())).rejects.toThrow();
    mock.setFaults({ nonJsonEvery: 1 });
    expect((await call('GET', coll)).headers.get('content-type')).toMatch(/text\/html/);
    mock.setFaults({});
  });
});
