/** Target layer: MSAL against nock (no network), HTTP client retries/timeouts/budget, redaction, ledger, cleanup. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLOUDS, type Cloud, loadConfig } from '../config/config.js';
import { startMock } from '../mock/server.js';
import { MsalClientCredentials, tokenProvider } from '../target/auth.js';
import { HarnessError } from '../target/errors.js';
import { type Exchange, toCurl } from '../target/exchange.js';
import { HttpClient } from '../target/http.js';
import { Ledger, readLedger } from '../target/ledger.js';
import { FlowApi } from '../target/resource.js';

const TENANT = '11111111-2222-3333-4444-555555555555';
const SECRET = 'cl1ent-s3cret-value-never-logged';
const tmp = () => mkdtempSync(path.join(tmpdir(), 'dsc-target-'));
const CERT = new URL('./fixtures/cert/test-client.pem', import.meta.url).pathname;
const TOKEN_HOST: Record<Cloud, string> = {
  global: 'https://login.microsoftonline.com',
  usgov: 'https://login.microsoftonline.us',
  dod: 'https://login.microsoftonline.us',
  china: 'https://login.partner.microsoftonline.cn', // msal posts to the preferred network host
};
const msalCfg = (cloud: Cloud = 'global', extra: Record<string, string> = {}) =>
  loadConfig({ cloud, ...extra }, { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: 'app-id', ...(extra.certificatePath ? {} : { AZURE_CLIENT_SECRET: SECRET }) });
const noAuth = { mode: 'none' as const, acquisitions: 0, getToken: async () => undefined };
const client = (o: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
  new HttpClient({ timeoutMs: 2000, maxRetries: 3, maxRetryWaitMs: 5000, requestBudget: 100, concurrency: 4, tokens: noAuth, defaultRetryAfterMs: 10, ...o });

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1/);
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('MSAL client credentials (msal-node against nock)', () => {
  it.each(Object.keys(CLOUDS) as Cloud[])('%s: one token POST with the cloud scope; the token is cached', async (cloud) => {
    const cfg = msalCfg(cloud);
    const seen: Record<string, string>[] = [];
    const scope = nock(TOKEN_HOST[cloud])
      .post(`/${TENANT}/oauth2/v2.0/token`, (b: Record<string, string>) => {
        seen.push(b);
        return true;
      })
      .query(true)
      .reply(200, { token_type: 'Bearer', expires_in: 3599, access_token: `at-${cloud}-123456` });
    const p = new MsalClientCredentials(cfg);
    expect(await p.getToken()).toBe(`at-${cloud}-123456`);
    expect(await p.getToken()).toBe(`at-${cloud}-123456`);
    expect(scope.isDone()).toBe(true);
    expect(p.acquisitions).toBe(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ grant_type: 'client_credentials', client_id: 'app-id', client_secret: SECRET, scope: `${CLOUDS[cloud].graphRoot}/.default` });
  });

  it('renews a token that expires within five minutes', async () => {
    nock(TOKEN_HOST.global).post(`/${TENANT}/oauth2/v2.0/token`).query(true).reply(200, { token_type: 'Bearer', expires_in: 120, access_token: 'short-lived-1' });
    nock(TOKEN_HOST.global).post(`/${TENANT}/oauth2/v2.0/token`).query(true).reply(200, { token_type: 'Bearer', expires_in: 3599, access_token: 'fresh-token-2' });
    const p = new MsalClientCredentials(msalCfg());
    expect(await p.getToken()).toBe('short-lived-1');
    expect(await p.getToken()).toBe('fresh-token-2');
    expect(p.acquisitions).toBe(2);
  });

  it('signs a client assertion with the certificate (PS256, x5t#S256) and sends no secret', async () => {
    let body: Record<string, string> = {};
    nock(TOKEN_HOST.global)
      .post(`/${TENANT}/oauth2/v2.0/token`, (b: Record<string, string>) => {
        body = b;
        return true;
      })
      .query(true)
      .reply(200, { token_type: 'Bearer', expires_in: 3599, access_token: 'cert-token-1' });
    const cfg = loadConfig({ sendX5c: 'true' }, { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: 'app-id', AZURE_CLIENT_CERTIFICATE_PATH: CERT });
    expect(await new MsalClientCredentials(cfg).getToken()).toBe('cert-token-1');
    expect(body.client_secret).toBeUndefined();
    expect(body.client_assertion_type).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const header = JSON.parse(Buffer.from(body.client_assertion.split('.')[0], 'base64url').toString());
    expect(header).toMatchObject({ alg: 'PS256', 'x5t#S256': expect.any(String) });
    expect(header.x5c).toHaveLength(1);
    const payload = JSON.parse(Buffer.from(body.client_assertion.split('.')[1], 'base64url').toString());
    expect(payload.aud).toBe(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
  });

  it.each([
    [401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' }, /invalid_client, AADSTS7000215.*client secret or certificate was refused/],
    [400, { error: 'invalid_request', error_description: "AADSTS90002: Tenant '1111' not found." }, /invalid_request, AADSTS90002/],
  ])('a %s from the token endpoint is a clear harness error, never a conformance failure', async (status, reply, msg) => {
    nock(TOKEN_HOST.global).post(`/${TENANT}/oauth2/v2.0/token`).query(true).reply(status, reply);
    const err = await new MsalClientCredentials(msalCfg()).getToken().catch((e) => e);
    expect(err).toBeInstanceOf(HarnessError);
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(msg);
    expect(err.message).not.toContain(SECRET);
  });

  it('an unreachable token endpoint is a harness error naming the host', async () => {
    const err = await new MsalClientCredentials(msalCfg()).getToken().catch((e) => e);
    expect(err).toBeInstanceOf(HarnessError);
    expect(err.message).toMatch(/login.microsoftonline.com/);
  });
});

describe('HTTP client', () => {
  const G = 'https://graph.test';

  it('sends a fresh client-request-id on every request and the bearer token', async () => {
    const ids: string[] = [];
    nock(G)
      .get('/x')
      .times(2)
      .matchHeader('authorization', 'Bearer static-token-abc')
      .reply(function () {
        ids.push(String(this.req.headers['client-request-id']));
        return [200, { value: [] }, { 'request-id': 'rid-1' }];
      });
    const c = client({ tokens: tokenProvider(loadConfig({ token: 'static-token-abc' }, {})) });
    const r = await c.request(`${G}/x`);
    await c.request(`${G}/x`);
    expect(r.exchange.requestId).toBe('rid-1');
    expect(new Set(ids).size).toBe(2);
    expect(r.exchange.requestHeaders.Authorization).toBe('Bearer ***redacted***');
  });

  it('honours 429 and 503 Retry-After, then succeeds; counts retries and the wait', async () => {
    nock(G).get('/t').reply(429, { error: { code: 'tooManyRequests', message: 'slow down' } }, { 'Retry-After': '1' });
    nock(G).get('/t').reply(503, { error: { code: 'serviceUnavailable', message: 'busy' } }, { 'Retry-After': '0' });
    nock(G).get('/t').reply(200, { ok: true });
    const c = client();
    const started = Date.now();
    const r = await c.request(`${G}/t`);
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(c.stats).toMatchObject({ retries: 2, throttled: 1, unavailable: 1, waitedMs: 1000 });
    expect(r.exchange.attempts).toBe(3);
  });

  it('gives up with a throttled harness error when retries or the wait budget run out', async () => {
    nock(G).get('/t').times(4).reply(429, {}, { 'Retry-After': '0' });
    const err = await client({ maxRetries: 2 }).request(`${G}/t`).catch((e) => e);
    expect(err).toBeInstanceOf(HarnessError);
    expect(err.kind).toBe('throttled');
    expect(err.message).toMatch(/still 429 after 3 attempts/);
    nock(G).get('/w').reply(429, {}, { 'Retry-After': '120' });
    const err2 = await client().request(`${G}/w`).catch((e) => e);
    expect(err2.message).toMatch(/DSC_MAX_RETRY_WAIT_MS=5000/);
  });

  it('times out a slow answer with a timeout harness error', async () => {
    nock(G).get('/slow').delay(1500).reply(200, {});
    const err = await client({ timeoutMs: 200 }).request(`${G}/slow`).catch((e) => e);
    expect(err).toBeInstanceOf(HarnessError);
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/no complete answer within 200 ms/);
  });

  it('stops at the request budget', async () => {
    nock(G).get('/b').times(3).reply(200, {});
    const c = client({ requestBudget: 2 });
    await c.request(`${G}/b`);
    await c.request(`${G}/b`);
    const err = await c.request(`${G}/b`).catch((e) => e);
    expect(err.kind).toBe('budget');
    expect(err.message).toMatch(/request budget of 2 exhausted/);
  });

  it('caps requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    nock(G)
      .get('/c')
      .times(6)
      .reply(async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 50));
        inFlight--;
        return [200, {}];
      });
    const c = client({ concurrency: 2 });
    await Promise.all([1, 2, 3, 4, 5, 6].map(() => c.request(`${G}/c`)));
    expect(peak).toBe(2);
  });
});

describe('redaction', () => {
  it('no exchange, curl line, ledger or error carries the secret or the token (also base64)', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkc2MifQ.c2lnbmF0dXJlLXZhbHVl';
    nock(TOKEN_HOST.global).post(`/${TENANT}/oauth2/v2.0/token`).query(true).reply(200, { token_type: 'Bearer', expires_in: 3599, access_token: token });
    const G = 'https://graph.test';
    nock(G)
      .post('/beta/flows')
      .reply(201, (_uri: string, body: any) => ({ id: 'f1', displayName: body.displayName, echo: `token was ${token}` }), { Location: `${G}/beta/flows/f1` });
    nock(G).get('/beta/flows/f1').query(true).reply(401, { error: { code: 'unauthenticated', message: `bad token ${Buffer.from(token).toString('base64')}` } });
    const cfg = msalCfg();
    const dir = tmp();
    const c = client({ tokens: tokenProvider(cfg) });
    const seen: Exchange[] = [];
    c.onExchange((x) => seen.push(x));
    const api = new FlowApi(c, `${G}/beta`, '/flows', new Ledger(dir, 'run1'));
    await api.create({ displayName: `dsc-run1-x ${SECRET}` });
    await api.get('f1', { query: `?secret=${encodeURIComponent(SECRET)}` });
    const artefacts = [JSON.stringify(seen), seen.map(toCurl).join('\n'), readFileSync(api.ledger.file, 'utf8')].join('\n');
    for (const s of [SECRET, token, Buffer.from(token).toString('base64'), encodeURIComponent(SECRET)]) expect(artefacts).not.toContain(s);
    expect(artefacts).toContain('***redacted***');
    expect(toCurl(seen[0])).toContain('Authorization: Bearer $GRAPH_TOKEN');
  });
});

describe('ledger, cleanup and a round trip through the layer', () => {
  it('ledgers a create before returning, cleans up newest first, tolerates 404 and reports a 500', async () => {
    const G = 'https://graph.test';
    let n = 0;
    nock(G)
      .post('/beta/flows')
      .times(3)
      .reply(() => [201, { id: `f${++n}` }]);
    nock(G).delete('/beta/flows/f3').reply(404, { error: { code: 'notFound', message: 'gone' } });
    nock(G).delete('/beta/flows/f2').reply(500, { error: { code: 'internalServerError', message: 'boom' } });
    nock(G).delete('/beta/flows/f1').reply(204);
    const dir = tmp();
    const api = new FlowApi(client(), `${G}/beta`, '/flows', new Ledger(dir, 'r1'));
    for (let i = 0; i < 3; i++) {
      await api.create({ displayName: `dsc-r1-${i}` });
      expect(readLedger(api.ledger.file).filter((e) => e.op === 'created')).toHaveLength(i + 1);
    }
    const rep = await api.cleanup();
    expect(rep).toEqual({ deleted: 1, alreadyGone: 1, failures: ['DELETE https://graph.test/beta/flows/f2 answered 500'] });
    expect(api.ledger.outstanding().map((e) => e.id)).toEqual(['f2']);
  });

  it('puts a 409 down to shareName uniqueness only when another listed entity holds that name (DR 0018)', async () => {
    const mock = await startMock({ behaviours: ['sharename-unique'] });
    try {
      const api = new FlowApi(client(), mock.baseUrl, '/industryData/dataShareOutgoingFlows', new Ledger(tmp(), 'sn'));
      const body = (n: string) => ({ displayName: `dsc-sn-${n}`, shareName: 'Share One', inviteeUserIds: ['5f0c2a3e-9a63-4a8e-9a55-0d6f2b1c7e11'] });
      const first = await api.create(body('a'));
      expect(first.status).toBe(201);
      const dup = await api.create(body('b'));
      expect(dup.status).toBe(409);
      expect(await api.shareNameTaken(dup, 'Share One')).toBe(true);
      expect(await api.shareNameTaken(dup, ' share one ')).toBe(true);
      expect(await api.shareNameTaken(dup, 'Share Two')).toBe(false);
      expect(await api.shareNameTaken(dup, 'Share One', first.json.id)).toBe(false);
      expect(await api.shareNameTaken(first, 'Share One')).toBe(false);
      await api.cleanup();
    } finally {
      await mock.close();
    }
  });

  it('create and delete against the reference mock leave zero resources, checked by listing', async () => {
    const mock = await startMock();
    try {
      const api = new FlowApi(client(), mock.baseUrl, '/industryData/dataShareOutgoingFlows', new Ledger(tmp(), 'rt'));
      for (let i = 0; i < 3; i++) await api.create({ displayName: `dsc-rt-${i}`, shareName: 's', inviteeUserIds: ['5f0c2a3e-9a63-4a8e-9a55-0d6f2b1c7e11'] });
      expect((await api.list()).json.value).toHaveLength(3);
      const rep = await api.cleanup();
      expect(rep.deleted).toBe(3);
      expect((await api.list()).json.value).toEqual([]);
      expect(api.ledger.outstanding()).toEqual([]);
    } finally {
      await mock.close();
    }
  });
});
