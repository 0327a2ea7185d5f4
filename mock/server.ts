/**
 * The reference mock: a real HTTP server on loopback implementing dataShareOutgoingFlow as the contract says,
 * with switchable defects (one rule broken each), allowed alternative behaviours, and transport faults.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatIssues, type SchemaRegistry, schemas } from '../schemas/registry.js';
import { assertKnownBehaviours, assertKnownDefects, type BehaviourId } from './defects.js';
import { FaultPlan, type Faults } from './faults.js';
import { FilterSyntaxError, parseFilter } from './filter.js';
import { type Flow, type Run, Store } from './store.js';

export interface MockOptions {
  port?: number;
  host?: string;
  defects?: string[];
  behaviours?: string[];
  faults?: Faults;
  /** when set, requests must carry `Authorization: Bearer <token>` */
  token?: string;
  /** collection path below /beta; default /industryData/dataShareOutgoingFlows */
  collectionPath?: string;
}

export interface MockServer {
  /** e.g. http://127.0.0.1:4010/beta */
  baseUrl: string;
  collectionUrl: string;
  store: Store;
  reset(): void;
  setDefects(ids: string[]): void;
  setBehaviours(ids: string[]): void;
  setFaults(f: Faults): void;
  requestCount(): number;
  /** inserts `count` valid flows directly (benchmarks and tests of large collections); returns their ids */
  preload(count: number, namePrefix?: string): string[];
  close(): Promise<void>;
}

const NS = 'microsoft.graph.industryData';
const TYPE = `#${NS}.dataShareOutgoingFlow`;
const FN = 'getPotentialDataShareInvitees';
const SELECTABLE = ['id', 'eTag', 'displayName', 'readinessStatus', 'inviteeUserIds', 'sharingState', 'shareName'];
const FILTERABLE = new Set(['id', 'displayName', 'shareName', 'readinessStatus', 'sharingState']);
const SYSTEM_OPTIONS = new Set(['$top', '$skip', '$select', '$filter', '$count', '$skiptoken', '$orderby', '$expand', '$search', '$format', '$apply']);
const SUPPORTED_LIST_OPTIONS = new Set(['$top', '$select', '$filter', '$count', '$skiptoken']);
const KNOWN_PREFERENCES = new Set(['return', 'include-unknown-enum-members', 'odata.maxpagesize', 'odata.include-annotations', 'respond-async', 'wait', 'odata.continue-on-error', 'odata.track-changes']);
const ENUM_INDEX: Record<string, string[]> = {
  readinessStatus: ['notReady', 'ready', 'failed', 'deleted', 'expired', 'unknownFutureValue'],
  sharingState: ['pending', 'running', 'problem', 'unknownFutureValue'],
};
/** Directory users the function offers; one without an id, as identity.md allows. */
const INVITEES = [
  { '@odata.type': '#microsoft.graph.identity', id: '5f0c2a3e-9a63-4a8e-9a55-0d6f2b1c7e11', displayName: 'Adele Vance' },
  { '@odata.type': '#microsoft.graph.identity', id: '8a1e7c44-2d5b-4f0e-b7c9-3e6a9d2f1b22', displayName: 'Megan Bowen' },
  { '@odata.type': '#microsoft.graph.identity', displayName: 'Break-glass administrator' },
];
const STATUS_TEXT: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthenticated',
  404: 'notFound',
  405: 'methodNotAllowed',
  406: 'notAcceptable',
  409: 'conflict',
  412: 'preconditionFailed',
  415: 'unsupportedMediaType',
  429: 'tooManyRequests',
  500: 'internalServerError',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};
const SERVICE_CODES: Record<number, string> = { 400: 'invalidRequest', 404: 'itemNotFound', 412: 'resourceModified' };

class HttpError extends Error {
  constructor(
    public status: number,
    message: string,
    public target?: string,
    public headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  requestId: string;
  clientRequestId?: string;
  body?: string;
  truncate: boolean;
}

export async function startMock(opts: MockOptions = {}): Promise<MockServer> {
  const reg: SchemaRegistry = schemas();
  const store = new Store();
  let defects = new Set<string>();
  let behaviours = new Set<string>();
  const setDefects = (ids: string[]) => {
    assertKnownDefects(ids);
    defects = new Set(ids);
  };
  const setBehaviours = (ids: string[]) => {
    assertKnownBehaviours(ids);
    behaviours = new Set(ids);
  };
  setDefects(opts.defects ?? []);
  setBehaviours(opts.behaviours ?? []);
  const plan = new FaultPlan(opts.faults ?? {});
  let requests = 0;
  let flakyConsulted = 0;
  const d = (id: string) => {
    if (defects.has(id)) return true;
    const f = plan.faults;
    if (id !== f.flakyDefect) return false;
    flakyConsulted += 1;
    return (flakyConsulted - 1) % Math.max(1, f.flakyEvery ?? 2) === 0;
  };
  const b = (id: BehaviourId) => behaviours.has(id);
  const collectionPath = `/beta${opts.collectionPath ?? '/industryData/dataShareOutgoingFlows'}`;
  const hanging = new Set<ServerResponse>();

  // ---------- response helpers ----------
  const baseHeaders = (c: Ctx): Record<string, string> => {
    const h: Record<string, string> = { 'OData-Version': '4.0', Date: new Date().toUTCString() };
    if (!d('request-id-missing')) h['request-id'] = c.requestId;
    if (c.clientRequestId && !d('client-request-id-not-echoed')) h['client-request-id'] = c.clientRequestId;
    return h;
  };
  const send = (c: Ctx, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    const h = { ...baseHeaders(c), ...headers };
    if (body === undefined) {
      c.res.writeHead(status, h);
      c.res.end();
      return;
    }
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    h['Content-Type'] ??= 'application/json;odata.metadata=minimal;odata.streaming=true;charset=utf-8';
    if (c.truncate) {
      h['Content-Length'] = String(Buffer.byteLength(text));
      c.res.writeHead(status, h);
      c.res.write(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      c.res.destroy();
      return;
    }
    c.res.writeHead(status, h);
    c.res.end(text);
  };
  const sendError = (c: Ctx, e: HttpError) => {
    if (e.status === 404 && d('error-plain-text')) {
      send(c, 404, `Not found: ${c.url.pathname}`, { 'Content-Type': 'text/plain' });
      return;
    }
    const code = d('error-code-not-camelcase') && SERVICE_CODES[e.status] ? SERVICE_CODES[e.status] : (STATUS_TEXT[e.status] ?? 'error');
    const error: Record<string, unknown> = { code, message: e.message };
    if (d('error-code-missing')) delete error.code;
    if (e.target) error.target = e.target;
    error[b('innererror-lowercase') ? 'innererror' : 'innerError'] = { date: new Date().toISOString(), 'request-id': c.requestId, 'client-request-id': c.clientRequestId };
    const headers = { ...e.headers };
    if (e.status === 405 && d('method-405-no-allow')) delete headers.Allow;
    send(c, e.status, { error }, headers);
  };

  // ---------- representation ----------
  const enumOut = (prop: string, v: string, c: Ctx) => {
    if (d('enum-numeric')) return ENUM_INDEX[prop].indexOf(v);
    // `paused` stands for a member added after unknownFutureValue; only the opt-in header may see it
    if (prop === 'sharingState' && d('enum-post-sentinel-leak')) return 'paused';
    if (v === 'paused' && !wantsUnknownMembers(c)) return 'unknownFutureValue';
    return v;
  };
  const represent = (f: Flow, c: Ctx, select?: string[]): Record<string, unknown> => {
    if (d('etag-changes-on-read')) f.eTag = store.nextETag();
    const full: Record<string, unknown> = {
      '@odata.type': TYPE,
      id: f.id,
      eTag: d('etag-missing') ? undefined : b('if-match-strict-syntax') ? bareTag(f.eTag) : f.eTag,
      displayName: f.displayName,
      readinessStatus: enumOut('readinessStatus', b('readiness-disabled') && f.readinessStatus === 'deleted' ? 'disabled' : f.readinessStatus, c),
      inviteeUserIds: [...f.inviteeUserIds],
      sharingState: enumOut('sharingState', f.sharingState, c),
      shareName: d('create-drops-sharename') ? '' : f.shareName,
    };
    if (b('extra-properties')) Object.assign(full, { createdDateTime: new Date(f.createdAt).toISOString(), lastModifiedDateTime: new Date(f.createdAt).toISOString() });
    if (!select || d('select-ignored')) return full;
    const out: Record<string, unknown> = { id: f.id };
    if (b('select-keeps-etag')) out.eTag = full.eTag;
    for (const s of select) out[s] = full[s];
    return out;
  };
  const etagHeader = (tag: string): Record<string, string> => (d('etag-missing') || b('if-match-strict-syntax') ? {} : { ETag: tag });
  /** the opaque value inside an entity-tag: W/"abc" -> abc */
  const bareTag = (tag: string) => tag.replace(/^W\//, '').replace(/^"|"$/g, '');
  const entityUrl = (c: Ctx, id: string) => `${origin(c)}${collectionPath}/${id}`;
  const origin = (c: Ctx) => `http://${c.req.headers.host ?? '127.0.0.1'}`;
  const wantsUnknownMembers = (c: Ctx) => /include-unknown-enum-members/i.test(String(c.req.headers.prefer ?? ''));
  const preferMinimal = (c: Ctx) => !b('prefer-minimal-ignored') && /return=minimal/i.test(String(c.req.headers.prefer ?? ''));
  const prefHeaders = (c: Ctx): Record<string, string> => (wantsUnknownMembers(c) && !d('preference-applied-missing') ? { 'Preference-Applied': 'include-unknown-enum-members' } : {});
  /** OData §8.2.8: unknown preferences are ignored (the defect refuses them) */
  const checkPrefer = (c: Ctx) => {
    if (!d('prefer-unknown-400')) return;
    for (const token of String(c.req.headers.prefer ?? '').split(',').map((t) => t.trim().split('=')[0].toLowerCase()).filter(Boolean)) {
      if (!KNOWN_PREFERENCES.has(token)) throw new HttpError(400, `Unknown preference '${token}'.`, 'Prefer');
    }
  };

  // ---------- request parsing ----------
  const parseQuery = (c: Ctx, allowed: Set<string>): Map<string, string> => {
    const seen = new Map<string, string>();
    for (const [rawKey, value] of c.url.searchParams) {
      const key = (rawKey.startsWith('$') ? rawKey : `$${rawKey}`).toLowerCase();
      if (!SYSTEM_OPTIONS.has(key)) {
        if (d('unknown-query-ignored')) continue;
        throw new HttpError(400, `Query option '${rawKey}' is not supported.`, rawKey);
      }
      if (seen.has(key)) throw new HttpError(400, `Query option '${rawKey}' is specified more than once.`, rawKey);
      if (!allowed.has(key) || (b('no-query-options') && key !== '$skiptoken')) throw new HttpError(400, `Query option '${rawKey}' is not supported on this resource.`, rawKey);
      seen.set(key, value);
    }
    return seen;
  };
  const parseSelect = (q: Map<string, string>): string[] | undefined => {
    const s = q.get('$select');
    if (s === undefined) return undefined;
    const props = s.split(',').map((x) => x.trim());
    for (const p of props) if (!SELECTABLE.includes(p)) throw new HttpError(400, `Could not find a property named '${p}' on type '${NS}.dataShareOutgoingFlow'.`, '$select');
    return props;
  };
  const readJson = (c: Ctx): Record<string, unknown> => {
    const ct = String(c.req.headers['content-type'] ?? '');
    if (!/^application\/json\b/i.test(ct) && !d('wrong-content-type-accepted')) throw new HttpError(415, `Content-Type must be application/json, got '${ct || '(none)'}'.`);
    let v: unknown;
    try {
      v = JSON.parse(c.body ?? '');
    } catch {
      if (d('malformed-json-500')) throw new HttpError(500, 'Unexpected error.');
      throw new HttpError(400, 'The request body is not valid JSON.');
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new HttpError(400, 'The request body must be a JSON object.');
    return v as Record<string, unknown>;
  };
  /** Validates a body against a schema, minus the rules that a defect switches off. */
  const validate = (schemaName: string, body: Record<string, unknown>) => {
    let issues = reg.check(schemaName, body);
    const ignore = (pred: (i: { path: string; keyword: string; message: string }) => boolean) => {
      issues = issues.filter((i) => !pred(i));
    };
    if (d('accept-missing-required')) ignore((i) => i.keyword === 'required');
    if (d('accept-unknown-property')) ignore((i) => i.keyword === 'additionalProperties' && !/"id"|"@odata/.test(i.message));
    if (d('accept-wrong-type')) ignore((i) => i.keyword === 'type');
    if (d('accept-two-invitees')) ignore((i) => i.keyword === 'maxItems');
    // the mock stores long names as sent (DR 0007 allows accepting them); the schema limit only guides generators
    ignore((i) => i.keyword === 'maxLength');
    if (d('accept-foreign-odata-type')) ignore((i) => i.path === '/@odata.type');
    if (d('enum-ufv-accepted-on-create')) ignore((i) => i.keyword === 'not' && /sharingState|readinessStatus/.test(i.path));
    if (d('enum-undeclared-accepted') || b('server-state-ignored')) ignore((i) => /sharingState|readinessStatus/.test(i.path));
    if (d('client-id-applied') || d('patch-id-applied') || b('read-only-ignored')) ignore((i) => i.path === '/id');
    // the draft lists eTag in request bodies: it is accepted and ignored (DR 0005)
    const blank = ['displayName', 'shareName'].find((k) => typeof body[k] === 'string' && (body[k] as string).trim() === '');
    if (!issues.length && b('blank-names-refused') && blank) throw new HttpError(400, `${blank} must not be empty or blank.`, blank);
    if (!issues.length && b('invitees-directory-checked') && Array.isArray(body.inviteeUserIds)) {
      const stranger = body.inviteeUserIds.find((x) => !INVITEES.some((i) => i.id === x));
      if (stranger !== undefined) throw new HttpError(400, `inviteeUserIds: '${String(stranger)}' is not a Global Administrator of the tenant.`, 'inviteeUserIds');
    }
    if (issues.length) {
      const first = issues[0];
      const target = first.path.split('/')[1] || (/"(\w+)"|'(\w+)'/.exec(first.message)?.slice(1).find(Boolean) ?? undefined);
      throw new HttpError(400, `Invalid request body: ${formatIssues(issues)}`, target);
    }
  };
  const checkIfMatch = (c: Ctx, f: Flow, defect: string, currentRefused: string) => {
    const im = c.req.headers['if-match'];
    if (im === undefined || d(defect)) return;
    const value = String(im).trim();
    if (value === '*') {
      if (b('if-match-star-rejected')) throw new HttpError(400, "If-Match: '*' is not supported; send the entity's eTag.");
      return;
    }
    const raw = value.split(',').map((t) => t.trim());
    if (b('if-match-strict-syntax') && raw.some((t) => !/^(W\/)?"[^"]*"$/.test(t))) throw new HttpError(400, `If-Match must hold entity-tags such as "abc" (RFC 9110), got '${value}'.`);
    const tags = raw.map((t) => (b('if-match-strict-syntax') ? bareTag(t) : t.replace(/^W\//, '')));
    if (!tags.includes(b('if-match-strict-syntax') ? bareTag(f.eTag) : f.eTag.replace(/^W\//, '')) || d(currentRefused)) throw new HttpError(412, 'The entity has been modified since the eTag in If-Match was issued.', undefined);
  };
  /** the behaviour sharename-unique: a shareName held by another flow is a conflict */
  const uniqueShareName = (name: unknown, self?: string) => {
    if (!b('sharename-unique') || typeof name !== 'string') return;
    for (const f of store.flows.values()) if (f.id !== self && f.shareName === name) throw new HttpError(409, `A data share named '${name}' already exists.`, 'shareName');
  };
  const findFlow = (id: string): Flow => {
    const f = store.flows.get(id);
    if (!f) throw new HttpError(d('get-missing-500') ? 500 : 404, `${NS}.dataShareOutgoingFlow '${id}' was not found.`);
    return f;
  };

  // ---------- handlers ----------
  const listFlows = (c: Ctx) => {
    const q = parseQuery(c, SUPPORTED_LIST_OPTIONS);
    const select = parseSelect(q);
    let items = store.list();
    if (d('list-omits-created')) items = items.filter((f) => Date.now() - f.createdAt > 1000);
    const filter = q.get('$filter');
    if (filter !== undefined && !d('filter-ignored') && !(d('filter-enum-ignored') && /sharingState|readinessStatus/.test(filter))) {
      try {
        const pred = parseFilter(filter, FILTERABLE);
        items = items.filter((f) => pred(f as unknown as Record<string, unknown>));
      } catch (e) {
        if (e instanceof FilterSyntaxError) throw new HttpError(400, `Invalid $filter: ${e.message}`, '$filter');
        throw e;
      }
    }
    const countRaw = q.get('$count');
    if (countRaw !== undefined && countRaw !== 'true' && countRaw !== 'false' && !d('invalid-query-values-accepted')) throw new HttpError(400, `$count must be true or false, got '${countRaw}'.`, '$count');
    const topRaw = q.get('$top');
    let top: number | undefined;
    if (topRaw !== undefined) {
      if (!/^\d+$/.test(topRaw) && !d('invalid-query-values-accepted')) throw new HttpError(400, `$top must be a non-negative integer, got '${topRaw}'.`, '$top');
      top = /^\d+$/.test(topRaw) ? Number(topRaw) : undefined;
    }
    const serverPage = b('page-size-2') ? 2 : 100;
    // OData §11.2.6.5: the count ignores $top
    const matching = items.length;
    // $top as a limit on the whole result (OData) rather than as the page size (Graph style)
    if (top !== undefined && b('top-limits-total') && !d('top-ignored')) items = items.slice(0, top);
    const pageSize = b('top-limits-total') ? serverPage : Math.min(top !== undefined && !d('top-ignored') ? top : Number.POSITIVE_INFINITY, serverPage);
    const skipToken = q.get('$skiptoken');
    let offset = 0;
    if (skipToken !== undefined) {
      offset = Number(Buffer.from(skipToken, 'base64url').toString());
      if (!Number.isInteger(offset) || offset < 0) throw new HttpError(400, 'Invalid $skiptoken.', '$skiptoken');
    }
    const total = items.length;
    const page = items.slice(offset, offset + pageSize);
    let next = offset + page.length < total && pageSize > 0 ? offset + page.length : undefined;
    if (next !== undefined && d('paging-duplicates') && page.length > 1) next -= 1;
    if (d('paging-loses-last') && next !== undefined && next + pageSize >= total) next = undefined;
    const body: Record<string, unknown> = { '@odata.context': `${origin(c)}/beta/$metadata#${collectionPath.slice(6)}` };
    if (countRaw === 'true') body['@odata.count'] = d('count-wrong') ? page.length : matching;
    body.value = page.map((f) => represent(f, c, select));
    if (next !== undefined) {
      const u = new URL(`${origin(c)}${collectionPath}`);
      for (const [k, v] of q) if (k !== '$skiptoken') u.searchParams.set(k, v);
      u.searchParams.set('$skiptoken', Buffer.from(String(next)).toString('base64url'));
      body['@odata.nextLink'] = u.toString();
    } else if (d('nextlink-null')) body['@odata.nextLink'] = null;
    send(c, 200, body, prefHeaders(c));
  };

  const createFlow = (c: Ctx) => {
    parseQuery(c, new Set());
    const body = readJson(c);
    const persist = () => insertFlow(body);
    if (d('odata-type-refused') && body['@odata.type'] !== undefined) throw new HttpError(400, "The property '@odata.type' is not allowed here.", '@odata.type');
    if (b('odata-type-required') && body['@odata.type'] === undefined) throw new HttpError(400, "A create needs '@odata.type': '#microsoft.graph.industryData.dataShareOutgoingFlow'.", '@odata.type');
    if (b('create-requires-server-state') && !('readinessStatus' in body && 'sharingState' in body)) {
      throw new HttpError(400, 'readinessStatus and sharingState are required.', 'readinessStatus' in body ? 'sharingState' : 'readinessStatus');
    }
    if (b('create-rejects-server-state') && ('readinessStatus' in body || 'sharingState' in body)) {
      throw new HttpError(400, 'readinessStatus and sharingState are managed by the service.', 'readinessStatus' in body ? 'readinessStatus' : 'sharingState');
    }
    try {
      validate('dataShareOutgoingFlow.create', body);
    } catch (e) {
      if (d('rejected-create-persists') && e instanceof HttpError && e.status === 400) persist();
      throw e;
    }
    uniqueShareName(body.shareName);
    const f = persist();
    const headers: Record<string, string> = { ...etagHeader(f.eTag), ...prefHeaders(c) };
    if (!d('create-no-location')) headers.Location = entityUrl(c, f.id);
    if (preferMinimal(c)) {
      if (d('prefer-minimal-unnamed')) delete headers.Location;
      send(c, 204, undefined, { ...headers, ...(d('prefer-minimal-unnamed') ? {} : { 'OData-EntityId': entityUrl(c, f.id) }), 'Preference-Applied': 'return=minimal' });
      return;
    }
    const out: Record<string, unknown> = { '@odata.context': `${origin(c)}/beta/$metadata#${collectionPath.slice(6)}/$entity`, ...represent(f, c) };
    if (d('create-no-id')) delete out.id;
    send(c, d('create-200') ? 200 : 201, out, headers);
  };

  const insertFlow = (body: Record<string, unknown>): Flow => {
    const id = d('client-id-applied') && typeof body.id === 'string' ? body.id : randomUUID();
    const initialReadiness = b('readiness-disabled') ? 'deleted' : 'notReady';
    const asString = (v: unknown, dflt: string) => (typeof v === 'string' ? v : v === undefined ? dflt : String(v));
    const f: Flow = {
      id,
      eTag: d('create-etag-applied') && typeof body.eTag === 'string' ? body.eTag : store.nextETag(),
      displayName: d('overlong-truncated') ? asString(body.displayName, '').slice(0, 100) : asString(body.displayName, ''),
      readinessStatus: b('server-state-ignored') ? initialReadiness : asString(body.readinessStatus, initialReadiness),
      inviteeUserIds: Array.isArray(body.inviteeUserIds) ? body.inviteeUserIds.map(String) : [],
      sharingState: b('server-state-ignored') ? 'pending' : asString(body.sharingState, 'pending'),
      shareName: d('create-drops-sharename') ? '' : asString(body.shareName, ''),
      seq: store.nextSeq(),
      createdAt: Date.now(),
    };
    if (f.readinessStatus === 'unknownFutureValue' && !d('enum-ufv-accepted-on-create')) f.readinessStatus = 'notReady';
    store.flows.set(id, f);
    if (b('runs-scheduled')) {
      store.runs.push({ id: randomUUID(), flowId: id, displayName: 'Scheduled run', startDateTime: new Date().toISOString(), endDateTime: null, status: 'running', blockingError: null, statistics: {}, seq: store.nextSeq() });
    }
    return f;
  };

  const getFlow = (c: Ctx, id: string) => {
    const q = parseQuery(c, new Set(['$select']));
    const select = parseSelect(q);
    const f = findFlow(id);
    const inm = c.req.headers['if-none-match'];
    if (inm && String(inm).trim() === f.eTag) {
      send(c, 304, undefined, etagHeader(f.eTag));
      return;
    }
    const entity = { '@odata.context': `${origin(c)}/beta/$metadata#${collectionPath.slice(6)}/$entity`, ...represent(f, c, select) };
    send(c, 200, d('get-wrapped') ? { value: entity } : entity, { ...etagHeader(f.eTag), ...prefHeaders(c) });
  };

  const patchFlow = async (c: Ctx, id: string) => {
    parseQuery(c, new Set());
    const existing = store.flows.get(id);
    if (!existing) {
      if (d('patch-missing-upserts')) {
        const f = insertFlow(readJson(c));
        store.flows.delete(f.id);
        f.id = id;
        store.flows.set(id, f);
        send(c, 201, represent(f, c), { Location: entityUrl(c, id) });
        return;
      }
      findFlow(id);
    }
    const f = existing!;
    const body = readJson(c);
    if (String(c.req.headers['if-none-match'] ?? '').trim() === '*' && !d('if-none-match-ignored')) throw new HttpError(412, 'If-None-Match: * cannot be met: the entity exists.');
    checkIfMatch(c, f, 'if-match-ignored', 'if-match-current-refused');
    if (d('if-match-race')) await new Promise((r) => setTimeout(r, 25)); // check-then-act with a gap: the race the rule forbids
    const apply = () => {
      const updated: Flow = d('patch-replaces')
        ? { ...f, displayName: '', shareName: '', inviteeUserIds: [], readinessStatus: 'notReady', sharingState: 'pending' }
        : { ...f, inviteeUserIds: [...f.inviteeUserIds] };
      for (const [k, v] of Object.entries(body)) {
        if (k === 'displayName' || k === 'shareName') {
          if (typeof v === 'string') updated[k] = v;
        } else if (k === 'inviteeUserIds' && Array.isArray(v)) {
          updated.inviteeUserIds = d('patch-appends-collection') ? [...f.inviteeUserIds, ...v.map(String)] : v.map(String);
        } else if ((k === 'readinessStatus' || k === 'sharingState') && typeof v === 'string' && !b('server-state-ignored')) {
          if (v === 'unknownFutureValue' && !d('enum-ufv-applied-on-patch')) continue; // evolvable enums: treat as absent
          updated[k] = v;
        }
      }
      if (d('etag-body-applied') && typeof body.eTag === 'string') updated.eTag = body.eTag;
      else if (!d('etag-not-rotated')) updated.eTag = store.nextETag();
      return updated;
    };
    try {
      validate('dataShareOutgoingFlow.update', body);
    } catch (e) {
      if (d('rejected-patch-partially-applied') && e instanceof HttpError && e.status === 400) {
        const partial = apply();
        for (const k of ['displayName', 'shareName'] as const) if (typeof body[k] === 'string') f[k] = partial[k];
        f.eTag = partial.eTag;
      }
      throw e;
    }
    uniqueShareName(body.shareName, id);
    const updated = apply();
    if (d('patch-id-applied') && typeof body.id === 'string' && body.id !== id) {
      store.flows.delete(id);
      updated.id = body.id;
    }
    if (!d('patch-not-persisted')) store.flows.set(updated.id, updated);
    const headers = { ...etagHeader(updated.eTag), ...prefHeaders(c) };
    if (b('patch-204') || preferMinimal(c)) {
      send(c, 204, undefined, preferMinimal(c) ? { ...headers, 'Preference-Applied': 'return=minimal' } : headers);
      return;
    }
    send(c, 200, { '@odata.context': `${origin(c)}/beta/$metadata#${collectionPath.slice(6)}/$entity`, ...represent(updated, c) }, headers);
  };

  const deleteFlow = (c: Ctx, id: string) => {
    parseQuery(c, new Set());
    const f = store.flows.get(id);
    if (!f) {
      if (d('delete-missing-204')) {
        send(c, 204);
        return;
      }
      findFlow(id);
      return;
    }
    checkIfMatch(c, f, 'if-match-delete-ignored', 'if-match-delete-current-refused');
    if (d('runs-survive-delete')) store.flows.delete(id);
    else if (!d('delete-not-removed')) store.deleteFlow(id);
    if (d('delete-200-body')) send(c, 200, { deleted: id });
    else send(c, 204);
  };

  const invitees = (c: Ctx) => {
    parseQuery(c, new Set());
    if (d('fn-side-effect')) for (const f of store.flows.values()) f.eTag = store.nextETag();
    if (d('fn-bare-array')) {
      send(c, 200, INVITEES);
      return;
    }
    send(c, 200, { '@odata.context': `${origin(c)}/beta/$metadata#Collection(microsoft.graph.identity)`, value: INVITEES });
  };

  const runRepr = (r: Run) => ({
    '@odata.type': `#${NS}.run`,
    id: r.id,
    displayName: r.displayName,
    startDateTime: r.startDateTime,
    endDateTime: r.endDateTime,
    status: r.status,
    blockingError: r.blockingError,
    statistics: r.statistics,
  });
  const runsOwner = (id: string): void => {
    if (store.flows.has(id)) return;
    if (d('runs-survive-delete') && store.runs.some((r) => r.flowId === id)) return;
    findFlow(id);
  };
  const listRuns = (c: Ctx, id: string) => {
    const q = parseQuery(c, new Set(['$top', '$skiptoken']));
    runsOwner(id);
    let runs = d('runs-leak-between-flows') ? [...store.runs].sort((a, b2) => a.startDateTime.localeCompare(b2.startDateTime)) : store.runsOf(id);
    if (d('runs-unordered')) runs = [...runs].sort((a, b2) => a.seq - b2.seq);
    else if (b('runs-newest-first')) runs = [...runs].reverse();
    const top = q.get('$top');
    if (top !== undefined && !/^\d+$/.test(top)) throw new HttpError(400, `$top must be a non-negative integer, got '${top}'.`, '$top');
    const offset = q.has('$skiptoken') ? Number(Buffer.from(q.get('$skiptoken')!, 'base64url').toString()) || 0 : 0;
    const size = top !== undefined ? Number(top) : 100;
    const page = runs.slice(offset, offset + size);
    const body: Record<string, unknown> = { '@odata.context': `${origin(c)}/beta/$metadata#Collection(${NS}.run)`, value: page.map(runRepr) };
    if (offset + page.length < runs.length && size > 0) {
      const u = new URL(`${origin(c)}${collectionPath}/${id}/runs`);
      if (top !== undefined) u.searchParams.set('$top', top);
      u.searchParams.set('$skiptoken', Buffer.from(String(offset + page.length)).toString('base64url'));
      body['@odata.nextLink'] = u.toString();
    }
    send(c, 200, body);
  };
  const addRun = (c: Ctx, id: string, viaRef: boolean) => {
    parseQuery(c, new Set());
    findFlow(id);
    if (b('runs-read-only')) throw new HttpError(405, 'The runs of a flow are read-only.', undefined, { Allow: 'GET' });
    const body = readJson(c);
    validate('run.create', body);
    const r: Run = {
      id: randomUUID(),
      flowId: id,
      displayName: String(body.displayName),
      startDateTime: new Date(String(body.startDateTime)).toISOString(),
      endDateTime: typeof body.endDateTime === 'string' ? new Date(body.endDateTime).toISOString() : null,
      status: String(body.status),
      blockingError: body.blockingError ?? null,
      statistics: body.statistics ?? null,
      seq: store.nextSeq(),
    };
    if (!d('run-add-not-persisted')) store.runs.push(r);
    const loc = `${entityUrl(c, id)}/runs/${r.id}`;
    if (viaRef) send(c, 204, undefined, { Location: loc });
    else send(c, 201, runRepr(r), { Location: loc });
  };
  const getRun = (c: Ctx, id: string, runId: string) => {
    parseQuery(c, new Set());
    runsOwner(id);
    const r = store.runs.find((x) => x.id === runId && (x.flowId === id || d('runs-leak-between-flows')));
    if (!r) throw new HttpError(d('run-get-missing-500') ? 500 : 404, `run '${runId}' was not found under flow '${id}'.`);
    const repr = runRepr(r);
    send(c, 200, d('get-wrapped') ? { value: repr } : repr);
  };

  const methodNotAllowed = (allow: string) => new HttpError(405, `Method not allowed; allowed: ${allow}.`, undefined, { Allow: allow });

  // ---------- routing ----------
  /** the service's own lifecycle: a flow becomes ready 150 ms after it was created (behaviour readiness-async) */
  const provision = () => {
    const now = Date.now();
    for (const f of store.flows.values()) {
      if (f.readinessStatus === 'notReady' && now - f.createdAt >= 150) {
        f.readinessStatus = 'ready';
        f.eTag = store.nextETag();
      }
    }
  };

  const route = async (c: Ctx) => {
    checkPrefer(c);
    const m = c.req.method ?? 'GET';
    const p = decodeURIComponent(c.url.pathname).replace(/\/+$/, '');
    if (!p.startsWith(collectionPath)) throw new HttpError(404, `Resource not found for the segment '${p}'.`);
    const rest = p.slice(collectionPath.length).split('/').filter(Boolean);
    const fnNames = [FN, `${NS}.${FN}`, `${NS}.${FN}()`, `${FN}()`];
    if (rest.length === 0) {
      if (m === 'GET') return listFlows(c);
      if (m === 'POST') return createFlow(c);
      throw methodNotAllowed('GET, POST');
    }
    if (rest.length === 1 && fnNames.includes(rest[0])) {
      if (d('fn-qualified-500') && rest[0].startsWith(NS)) throw new HttpError(500, 'Unexpected error.');
      if (m === 'GET') return invitees(c);
      if (m === 'POST' && d('fn-post-allowed')) return invitees(c);
      if (m === 'POST' && b('fn-post-404')) throw new HttpError(404, `No action '${rest[0]}' is bound to this collection.`);
      throw methodNotAllowed('GET');
    }
    const id = rest[0];
    if (rest.length === 1) {
      if (m === 'GET') return getFlow(c, id);
      if (m === 'PATCH') return patchFlow(c, id);
      if (m === 'DELETE') return deleteFlow(c, id);
      if (m === 'PUT' && d('put-500')) throw new HttpError(500, 'Unexpected error.');
      throw methodNotAllowed('GET, PATCH, DELETE');
    }
    if (rest[1] === 'runs' && rest.length === 2) {
      if (m === 'GET') return listRuns(c, id);
      if (m === 'POST') return addRun(c, id, false);
      throw methodNotAllowed(b('runs-read-only') ? 'GET' : 'GET, POST');
    }
    if (rest[1] === 'runs' && rest.length === 3 && rest[2] === '$ref') {
      if (m === 'POST') return addRun(c, id, true);
      throw methodNotAllowed('POST');
    }
    if (rest[1] === 'runs' && rest.length === 3) {
      if (m === 'GET') return getRun(c, id, rest[2]);
      throw methodNotAllowed('GET');
    }
    findFlow(id);
    throw new HttpError(404, `Resource not found for the segment '${rest[1]}'.`);
  };

  const authorised = (c: Ctx): boolean => {
    if (!opts.token || d('auth-not-enforced')) return true;
    const h = String(c.req.headers.authorization ?? '');
    const m = /^Bearer\s+(.+)$/i.exec(h);
    if (!m) return false;
    return d('wrong-token-accepted') || m[1] === opts.token;
  };

  const admin = (c: Ctx): boolean => {
    if (!c.url.pathname.startsWith('/_mock/')) return false;
    if (c.url.pathname === '/_mock/reset' && c.req.method === 'POST') {
      store.reset();
      send(c, 204);
    } else if (c.url.pathname === '/_mock/state') {
      send(c, 200, { flows: store.flows.size, runs: store.runs.length, requests, defects: [...defects], behaviours: [...behaviours] });
    } else send(c, 404, { error: { code: 'notFound', message: 'unknown admin endpoint' } });
    return true;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (ch: Buffer) => chunks.push(ch));
    req.on('error', () => res.destroy());
    req.on('end', async () => {
      const cri = req.headers['client-request-id'];
      const c: Ctx = {
        req,
        res,
        url: new URL(req.url ?? '/', 'http://mock'),
        requestId: randomUUID(),
        clientRequestId: typeof cri === 'string' ? cri : undefined,
        body: Buffer.concat(chunks).toString('utf8'),
        truncate: false,
      };
      try {
        if (admin(c)) return;
        requests += 1;
        const fault = plan.next();
        if (opts.faults?.latencyMs) await new Promise((r) => setTimeout(r, opts.faults!.latencyMs));
        if (fault.kind === 'drop') {
          req.socket.destroy();
          return;
        }
        if (fault.kind === 'hang') {
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
        }
        if (fault.kind === 'nonJson') {
          send(c, 200, '<html><body>Service temporarily unavailable</body></html>', { 'Content-Type': 'text/html' });
          return;
        }
        if (fault.kind === 'status') {
          const ra = plan.faults.retryAfter === undefined ? 1 : plan.faults.retryAfter;
          sendError(c, new HttpError(fault.status, fault.status === 429 ? 'Too many requests.' : 'The service is temporarily unavailable.', undefined, ra === null ? {} : { 'Retry-After': String(ra) }));
          return;
        }
        c.truncate = plan.truncateThis();
        if (b('readiness-async')) provision();
        if (!authorised(c)) {
          sendError(c, new HttpError(401, 'Access token is missing or invalid.', undefined, { 'WWW-Authenticate': 'Bearer realm="mock", error="invalid_token"' }));
          return;
        }
        await route(c);
      } catch (e) {
        if (e instanceof HttpError) sendError(c, e);
        else sendError(c, new HttpError(500, `Unexpected error: ${(e as Error).message}`));
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const baseUrl = `http://${addr.address}:${addr.port}/beta`;
  return {
    baseUrl,
    collectionUrl: `http://${addr.address}:${addr.port}${collectionPath}`,
    store,
    reset: () => store.reset(),
    setDefects,
    setBehaviours,
    setFaults: (f) => {
      plan.faults = f;
      opts.faults = f;
    },
    requestCount: () => requests,
    preload: (count, namePrefix = 'preloaded-') =>
      Array.from({ length: count }, (_, i) => insertFlow({ displayName: `${namePrefix}${i}`, shareName: 'preloaded', inviteeUserIds: [randomUUID()] }).id),
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
