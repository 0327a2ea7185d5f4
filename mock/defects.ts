/**
 * Named defects of the reference mock: each is exactly one deviation from a documented or OData/Graph rule.
 * They exist to prove that the suite's checks can fail. `rule` says what the defect breaks; `severity` is the
 * strength of that rule (a SHOULD defect is reported but does not fail a run unless `--fail-on should`).
 */
export interface DefectInfo {
  id: string;
  area: 'crud' | 'validation' | 'atomicity' | 'enums' | 'etag' | 'runs' | 'function' | 'odata' | 'errors' | 'auth';
  description: string;
  rule: string;
  severity: 'MUST' | 'SHOULD';
}

const D = (id: string, area: DefectInfo['area'], description: string, rule: string, severity: DefectInfo['severity'] = 'MUST'): DefectInfo => ({
  id,
  area,
  description,
  rule,
  severity,
});

export const DEFECTS: readonly DefectInfo[] = [
  D('create-200', 'crud', 'POST answers 200 instead of 201 Created', 'create page: 201 Created; OData §11.4.2'),
  D('create-no-location', 'crud', 'POST answers 201 without a Location header', 'OData §8.3.3: Location MUST be returned from Create'),
  D('create-no-id', 'crud', 'the created entity has no id in the 201 body', 'entity.id is the key (OData §11.4.2: response is the created entity)'),
  D('create-drops-sharename', 'crud', 'shareName is not stored on create', 'OData §11.4.1.5: a read returns what was written'),
  D('patch-replaces', 'crud', 'PATCH replaces the entity: properties absent from the body are reset', 'OData §11.4.3: PATCH merges; absent properties MUST NOT change'),
  D('patch-not-persisted', 'crud', 'PATCH answers success but a later GET shows the old values', 'OData §11.4.3'),
  D('patch-appends-collection', 'crud', 'PATCH of inviteeUserIds appends instead of replacing the collection', 'OData §11.4.3: a collection in PATCH replaces the stored one'),
  D('patch-missing-upserts', 'crud', 'PATCH to an unknown id creates the entity', 'OData §11.4.4: no upsert for service-generated keys; 404'),
  D('delete-200-body', 'crud', 'DELETE answers 200 with a body', 'delete page: 204 No Content; OData §11.4.5'),
  D('delete-not-removed', 'crud', 'DELETE answers 204 but the entity is still readable', 'OData §11.4.5, §9.2.1: GET after DELETE is 404'),
  D('get-wrapped', 'crud', 'Get wraps the entity in {"value": ...} as the draft example does', 'Get prose and OData JSON §5: the body is the entity (DR 0009)', 'SHOULD'),
  D('delete-missing-204', 'crud', 'DELETE of a missing entity answers 204', 'OData §9.2.1: 404 (Azure allows 204; DR 0012)', 'SHOULD'),
  D('get-missing-500', 'crud', 'GET of an unknown id answers 500', 'OData §9.2.1: 404 for a resource that does not exist'),
  D('list-omits-created', 'crud', 'the collection omits entities created in the last second', 'Graph collections: a created entity is listed'),
  D('accept-missing-required', 'validation', 'POST without displayName is accepted', 'create page: displayName Required; OData §9.2'),
  D('accept-unknown-property', 'validation', 'an undeclared property is accepted on POST', 'OData §11.4.2 (non-open type); DR 0014'),
  D('accept-wrong-type', 'validation', 'a JSON value of the wrong type is accepted (e.g. displayName: 123)', 'OData §11.4.2; Graph errors: 400'),
  D('accept-two-invitees', 'validation', 'inviteeUserIds with two entries is accepted', 'resource page: "Currently only accepts a single identifier"'),
  D('malformed-json-500', 'validation', 'a malformed JSON body answers 500', 'Graph errors: 400 for a malformed request'),
  D('accept-foreign-odata-type', 'validation', '@odata.type of an unrelated type is accepted', 'OData: body must be the declared type or a derived type'),
  D('wrong-content-type-accepted', 'validation', 'a POST with Content-Type text/plain is accepted', 'Graph errors: 415 Unsupported Media Type', 'SHOULD'),
  D('overlong-truncated', 'validation', 'an over-long displayName is cut to 100 characters but answered 201', 'OData §11.4.2: store what was accepted or refuse it (DR 0007)'),
  D('client-id-applied', 'validation', 'an id sent in the POST body becomes the entity id', 'OData §11.4.2: key/read-only values are ignored or refused'),
  D('create-etag-applied', 'validation', 'an eTag sent in the POST body becomes the entity eTag', 'OData §11.4.2: computed values are ignored or refused'),
  D('patch-id-applied', 'validation', 'an id sent in a PATCH body re-keys the entity', 'OData §11.4.3: the entity id cannot be changed'),
  D('odata-type-refused', 'validation', 'a POST carrying @odata.type of the declared type is refused with 400', 'OData JSON §4.5.3: type control information of the declared type'),
  D('etag-body-applied', 'etag', 'an eTag sent in a PATCH body is stored as sent', 'OData §11.4.3: read-only values MUST be ignored'),
  D('rejected-patch-partially-applied', 'atomicity', 'a PATCH refused with 400 still applies its valid properties', 'OData §9.2: an error response leaves no observable change'),
  D('rejected-create-persists', 'atomicity', 'a POST refused with 400 still creates the entity', 'OData §9.2'),
  D('enum-ufv-accepted-on-create', 'enums', 'unknownFutureValue is accepted on POST', 'Graph evolvable enums: 400 for unknownFutureValue on POST'),
  D('enum-ufv-applied-on-patch', 'enums', 'PATCH stores unknownFutureValue instead of treating it as absent', 'Graph evolvable enums: treat as absent on PATCH'),
  D('enum-undeclared-accepted', 'enums', 'an undeclared enum member is accepted and stored', 'Graph evolvable enums; OData §11.4.2'),
  D('enum-post-sentinel-leak', 'enums', 'a member declared after unknownFutureValue is returned without the opt-in header', 'Graph evolvable enums: replace with unknownFutureValue'),
  D('enum-numeric', 'enums', 'enum values are serialised as numbers', 'OData JSON §7.1: enum values are strings'),
  D('preference-applied-missing', 'enums', 'Prefer: include-unknown-enum-members is honoured without Preference-Applied', 'Graph evolvable enums: Preference-Applied confirms the opt-in', 'SHOULD'),
  D('etag-missing', 'etag', 'entities carry no eTag', 'mutableEntity.eTag: concurrency control (DR 0005)'),
  D('if-match-current-refused', 'etag', 'PATCH with the current eTag in If-Match answers 412', 'OData §8.2.4: a matching If-Match is processed'),
  D('etag-not-rotated', 'etag', 'eTag does not change when PATCH changes the entity', 'OData §11.4.1.1: ETag MUST change on change'),
  D('if-match-ignored', 'etag', 'PATCH with a stale If-Match is applied', 'OData §8.2.4: 412 and no change'),
  D('if-match-delete-ignored', 'etag', 'DELETE with a stale If-Match deletes', 'OData §8.2.4: 412 and no change'),
  D('if-match-delete-current-refused', 'etag', 'DELETE with the current eTag in If-Match answers 412', 'OData §8.2.4: a matching If-Match is processed'),
  D('if-none-match-ignored', 'etag', 'PATCH with If-None-Match: * on an existing entity is applied', 'OData §8.2.5: If-None-Match: * means insert only', 'SHOULD'),
  D('if-match-race', 'etag', 'two concurrent PATCHes with the same If-Match both succeed', 'OData §8.2.4: only one may match'),
  D('etag-changes-on-read', 'etag', 'eTag changes on every read', 'OData §11.4.1.1: the ETag identifies a version', 'SHOULD'),
  D('runs-unordered', 'runs', 'runs are listed in the order they were added, not by time', 'resource page: runs "Ordered by time"'),
  D('run-get-missing-500', 'runs', 'GET of an unknown run of an existing flow answers 500', 'OData §9.2.1: 404 for a resource that does not exist'),
  D('runs-leak-between-flows', 'runs', 'a flow lists the runs of every flow', 'OData §11.2.7: the related collection of that entity'),
  D('runs-survive-delete', 'runs', 'runs of a deleted flow are still listed (200)', 'OData §9.2.1: 404 under a deleted entity'),
  D('run-add-not-persisted', 'runs', 'POST to runs answers 201 but the run is not listed', 'OData §11.4.2: created entity is linked'),
  D('fn-side-effect', 'function', 'calling getPotentialDataShareInvitees changes the flows (eTag)', 'OData §11.5.4: functions have no observable side effects'),
  D('fn-bare-array', 'function', 'the function returns a bare JSON array', 'OData JSON: a collection is an object with value'),
  D('fn-qualified-500', 'function', 'the namespace-qualified function URL answers 500', 'OData §11.5.4.1: the qualified name addresses the function'),
  D('fn-post-allowed', 'function', 'POST to the function answers 200', 'Graph operations: functions are called with GET; OData §9.2.2'),
  D('paging-duplicates', 'odata', 'consecutive pages overlap by one entity', 'OData §11.2.6.7; Graph collections: stable paging'),
  D('paging-loses-last', 'odata', 'the last page is dropped', 'OData §11.2.6.7: nextLink on every partial result'),
  D('nextlink-null', 'odata', 'the last page carries "@odata.nextLink": null', 'OData §11.2.6.7: the final page MUST NOT contain a next link'),
  D('top-ignored', 'odata', '$top is ignored', 'OData §11.2.6.3 (supported option must be honoured)'),
  D('select-ignored', 'odata', '$select returns every property', 'Graph guidelines: MUST support $select'),
  D('filter-ignored', 'odata', '$filter is ignored', 'OData §11.2.6.1 (supported option must be honoured)'),
  D('filter-enum-ignored', 'odata', '$filter on an enum property is ignored (every entity returned)', 'OData §11.2.6.1 (supported option must be honoured)'),
  D('prefer-minimal-unnamed', 'odata', 'POST with Prefer: return=minimal answers 204 with neither Location nor OData-EntityId', 'OData §8.3.3-8.3.4: a 204 create names the entity'),
  D('prefer-unknown-400', 'odata', 'an unknown Prefer value answers 400', 'OData §8.2.8: unknown preferences MUST be ignored'),
  D('count-wrong', 'odata', '@odata.count is the page size, not the total', 'OData §11.2.6.5'),
  D('invalid-query-values-accepted', 'odata', '$top=-1 and $count=maybe are answered 200', 'OData §11.2.6.3, §11.2.6.5: 400'),
  D('unknown-query-ignored', 'odata', 'an unknown $-option is answered 200', 'OData §11.2.6: unsupported options MUST fail (Graph may ignore)', 'SHOULD'),
  D('error-plain-text', 'errors', '404 answers a text/plain body', 'OData JSON §21; Graph error model'),
  D('error-code-not-camelcase', 'errors', 'error codes are service codes (itemNotFound) rather than camelCased status text', 'Graph guidelines: code matches the status text (DR 0010)', 'SHOULD'),
  D('error-code-missing', 'errors', 'error bodies have no error.code', 'Graph guidelines: error property with a child code'),
  D('method-405-no-allow', 'errors', '405 is answered without an Allow header', 'OData §9.2.2: 405 MUST include Allow'),
  D('put-500', 'errors', 'PUT on an entity answers 500', 'OData §9.2.2: unsupported method 405 (or replace semantics)'),
  D('request-id-missing', 'errors', 'responses carry no request-id header', 'Graph best practices: request-id on every response', 'SHOULD'),
  D('client-request-id-not-echoed', 'errors', 'client-request-id is not echoed', 'Graph best practices', 'SHOULD'),
  D('auth-not-enforced', 'auth', 'requests without Authorization succeed when a token is configured', 'Graph: 401 without a bearer token'),
  D('wrong-token-accepted', 'auth', 'any bearer token is accepted', 'Graph: 401 for an invalid token'),
];

/** Allowed alternative behaviours (DR 0001): the suite must pass against each of them. */
export const BEHAVIOURS = {
  'patch-204': 'PATCH answers 204 No Content (shipped industryData pattern)',
  'runs-read-only': 'runs cannot be added: POST answers 405 with Allow',
  'create-rejects-server-state': 'POST refuses readinessStatus/sharingState in the body with 400',
  'no-query-options': '$top, $select, $filter, $count answer 400 (unsupported)',
  'if-match-star-rejected': 'If-Match: * answers 400',
  'read-only-ignored': 'an id or eTag in a body is ignored instead of refused',
  'page-size-2': 'server-driven paging with pages of 2',
  'create-requires-server-state': 'POST without readinessStatus and sharingState is refused with 400, as the create page marks them Required',
  'runs-newest-first': 'runs are listed by startDateTime, newest first',
  'select-keeps-etag': '$select answers also carry eTag',
  'readiness-async': 'the service moves readinessStatus from notReady to ready 150 ms after create, rotating the eTag',
  'top-limits-total': '$top limits the whole result: no nextLink after $top entities',
  'innererror-lowercase': 'error bodies carry innererror (OData spelling) instead of innerError',
  'prefer-minimal-ignored': 'Prefer: return=minimal is ignored: POST answers 201 and PATCH 200 with the entity',
  'readiness-disabled': 'readinessStatus uses the shipped member disabled; new flows start as disabled',
  'fn-post-404': 'POST to getPotentialDataShareInvitees answers 404: no action of that name is bound',
  'odata-type-required': 'POST without @odata.type is refused with 400 (every create example in the docs sends it)',
  'blank-names-refused': 'an empty or whitespace-only displayName or shareName is refused with 400',
  'sharename-unique': 'shareName is unique: a create or PATCH naming a shareName another flow holds answers 409 Conflict',
  'if-match-strict-syntax': 'the eTag property is a bare token, no ETag header is sent, and If-Match must be an RFC 9110 entity-tag ("…"): a bare value answers 400',
  'server-state-ignored': 'readinessStatus and sharingState in request bodies are ignored without validation (server state, DR 0004)',
  'runs-scheduled': 'the service starts a run of its own when a flow is created, listed beside the runs clients add',
  'extra-properties': 'entities also carry createdDateTime and lastModifiedDateTime, properties the docs do not declare',
  'invitees-directory-checked': 'inviteeUserIds must name a directory user that getPotentialDataShareInvitees offers; others are refused with 400',
} as const;

export type BehaviourId = keyof typeof BEHAVIOURS;
export const DEFECT_IDS = new Set(DEFECTS.map((d) => d.id));

export class UnknownDefectError extends Error {}

export function assertKnownDefects(ids: Iterable<string>): void {
  for (const id of ids) {
    if (!DEFECT_IDS.has(id)) throw new UnknownDefectError(`unknown defect "${id}"; run "datashare-conformance mock --list-defects" for the list`);
  }
}
export function assertKnownBehaviours(ids: Iterable<string>): void {
  for (const id of ids) {
    if (!(id in BEHAVIOURS)) throw new UnknownDefectError(`unknown behaviour "${id}"; known: ${Object.keys(BEHAVIOURS).join(', ')}`);
  }
}
