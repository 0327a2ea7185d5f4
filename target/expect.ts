/** Assertions on responses that fail as reproductions: received vs expected plus the exchange. */
import { formatIssues, type SchemaRegistry } from '../schemas/registry.js';
import { ConformanceFailure } from './errors.js';
import type { HttpResponse } from './http.js';

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v, null, 0)?.slice(0, 600));

export function failWith(message: string, res: HttpResponse | undefined, received?: unknown, expected?: unknown): never {
  throw new ConformanceFailure(message, { received, expected, exchanges: res ? [res.exchange] : [] });
}

export function expectThat(cond: unknown, message: string, res?: HttpResponse, received?: unknown, expected?: unknown): asserts cond {
  if (!cond) failWith(message, res, received, expected);
}

export function expectStatus(res: HttpResponse, allowed: number[], what: string): void {
  if (!allowed.includes(res.status)) failWith(`${what}: status ${res.status}, expected ${allowed.join(' or ')}`, res, res.status, allowed.join(' or '));
}

/** The body parses as JSON (for statuses that carry one). */
export function expectJson(res: HttpResponse, what: string): any {
  if (res.jsonError !== undefined || res.json === undefined)
    failWith(`${what}: body is not JSON (${res.jsonError ?? 'empty'}); content-type ${res.headers['content-type'] ?? '(none)'}`, res, res.text.slice(0, 200), 'a JSON body');
  return res.json;
}

export function expectSchema(reg: SchemaRegistry, res: HttpResponse, schema: string, what: string, value: unknown = res.json, opts: { partial?: boolean } = {}): void {
  // a response may carry properties a later version of the service added (DR 0017): the declared ones are judged
  let issues = reg.check(schema, value).filter((i) => i.keyword !== 'unevaluatedProperties');
  if (opts.partial) issues = issues.filter((i) => i.keyword !== 'required');
  if (issues.length) failWith(`${what}: body does not match schema ${schema}: ${formatIssues(issues)}`, res, value, `a ${schema}`);
}

/** An OData error response: a single JSON object with error.code and error.message non-empty strings. */
export function expectErrorEnvelope(reg: SchemaRegistry, res: HttpResponse, what: string): void {
  expectJson(res, `${what} (error body)`);
  const issues = reg.check('odataError', res.json);
  if (issues.length) failWith(`${what}: ${res.status} without an OData error body: ${formatIssues(issues)}`, res, res.json, '{"error":{"code":"…","message":"…"}}');
}

/** A 4xx answer (not 5xx) with the OData error envelope. */
export function expectRejected(reg: SchemaRegistry, res: HttpResponse, what: string, allowed: number[] = [400]): void {
  if (!allowed.includes(res.status)) failWith(`${what}: status ${res.status}, expected ${allowed.join(' or ')} with an OData error`, res, res.status, allowed.join(' or '));
  expectErrorEnvelope(reg, res, what);
}

export function expectEqual(received: unknown, expected: unknown, message: string, res?: HttpResponse): void {
  if (JSON.stringify(received) !== JSON.stringify(expected)) failWith(`${message}\n  received: ${show(received)}\n  expected: ${show(expected)}`, res, received, expected);
}

/** The entity in a Get answer: bare, or unwrapped from {"value": {...}} (DR 0009). */
export function entityOf(res: HttpResponse): any {
  const j = res.json;
  if (j && typeof j === 'object' && !Array.isArray(j) && Object.keys(j).length === 1 && j.value && typeof j.value === 'object' && !Array.isArray(j.value)) return j.value;
  return j;
}

/** The concurrency token: the eTag property, else @odata.etag, else the ETag header (DR 0005). */
export function etagOf(res: HttpResponse, entity: any = entityOf(res)): string | undefined {
  const v = entity?.eTag ?? entity?.['@odata.etag'] ?? res.headers.etag;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The If-Match forms of one tag: as given, then quoted when it is not an entity-tag already — RFC 9110 §8.8.3 wants
 * `"…"` in If-Match, and a service may hold its eTag property bare (DR 0005).
 */
export const tagForms = (tag: string): string[] => (/^(W\/)?"[^"]*"$/.test(tag) ? [tag] : [tag, `"${tag}"`]);

/** Every concurrency token the answer offers, in every If-Match form, the eTag property first (DR 0005). */
export function etagsOf(res: HttpResponse, entity: any = entityOf(res)): string[] {
  const all = [entity?.eTag, entity?.['@odata.etag'], res.headers.etag].filter((v): v is string => typeof v === 'string' && v !== '');
  return [...new Set(all.flatMap(tagForms))];
}

/**
 * Sends a request with a current tag in If-Match, form after form (etagsOf), until an answer other than 412 or 400
 * (malformed): a current tag must work in some form it was offered in. `onRetry` hears each form tried after the first.
 */
export async function withTagForms(tags: string[], send: (t: string) => Promise<HttpResponse>, onRetry?: (status: number, next: string) => void): Promise<HttpResponse> {
  let r = await send(tags[0]);
  for (const next of tags.slice(1)) {
    if (r.status !== 412 && r.status !== 400) break;
    onRetry?.(r.status, next);
    r = await send(next);
  }
  return r;
}

/**
 * Sends a request with a stale tag in If-Match: as given, and quoted when the bare form was refused as malformed
 * (400) — so that only an answer to a well-formed stale tag is judged.
 */
export async function withStaleTag(tag: string, send: (t: string) => Promise<HttpResponse>): Promise<HttpResponse> {
  const [bare, quoted] = tagForms(tag);
  const r = await send(bare);
  return r.status === 400 && quoted ? send(quoted) : r;
}

/**
 * The client-written state of a flow (what a refused or side-effect-free request must leave alone). The
 * server-managed readinessStatus and sharingState are left out: the service moves them on its own (DR 0004).
 */
export const stateOf = (e: any) => Object.fromEntries(['displayName', 'shareName', 'inviteeUserIds'].map((k) => [k, e?.[k]]));

/** The server-managed lifecycle state; when it moved between two reads, an eTag change is the server's own. */
export const serverStateOf = (e: any) => JSON.stringify(['readinessStatus', 'sharingState'].map((k) => e?.[k]));
