/** Valid request bodies and labelled invalid families, compiled from the committed schemas. */
import fc from 'fast-check';
import type { SchemaRegistry } from '../schemas/registry.js';
import { compile } from './from-schema.js';
import { cpLength, hardString } from './strings.js';

type Body = Record<string, unknown>;

const prop = (reg: SchemaRegistry, schema: string, name: string) => (reg.schema(schema) as any).properties[name];

/** displayName carries the run marker whenever one is configured (tenant safety: the sweep finds it). */
function displayNameArb(reg: SchemaRegistry, marker: string | undefined, schema: string): fc.Arbitrary<string> {
  const p = prop(reg, schema, 'displayName');
  return hardString({ maxLength: p.maxLength, prefix: marker, minLength: marker ? cpLength(marker) + 1 : 0 });
}

/** Options of the valid-body generators. */
export interface BodyOptions {
  /** ids the target accepts in inviteeUserIds (DR 0016); generated GUIDs when absent */
  invitees?: readonly string[];
}

/** inviteeUserIds drawn from the target's known invitees, or left to the schema (a generated GUID) */
const inviteeOverride = (opts: BodyOptions): Record<string, fc.Arbitrary<unknown>> =>
  opts.invitees?.length ? { inviteeUserIds: fc.constantFrom(...opts.invitees).map((id) => [id]) } : {};

/** Server state is left out: what a target requires on create is added by the checks (DR 0004, DR 0019). */
export function validCreateBody(reg: SchemaRegistry, marker?: string, opts: BodyOptions = {}): fc.Arbitrary<Body> {
  return compile(reg, 'dataShareOutgoingFlow.create', {
    includeServerManaged: false,
    overrides: { displayName: displayNameArb(reg, marker, 'dataShareOutgoingFlow.create'), ...inviteeOverride(opts) },
  });
}

export function validUpdateBody(reg: SchemaRegistry, marker?: string, opts: BodyOptions = {}): fc.Arbitrary<Body> {
  return compile(reg, 'dataShareOutgoingFlow.update', {
    overrides: { displayName: displayNameArb(reg, marker, 'dataShareOutgoingFlow.update'), ...inviteeOverride(opts) },
  }).filter((b) => Object.keys(b).length > 0);
}

export function validRunBody(reg: SchemaRegistry, marker?: string): fc.Arbitrary<Body> {
  return compile(reg, 'run.create', {
    overrides: {
      displayName: hardString({ prefix: marker, maxLength: 100 }),
      // run bodies carry no nested unknowns: statistics is an open object, sent empty; blockingError absent or null
      statistics: fc.constant({}),
      blockingError: fc.constant(null),
    },
  }).map((b) => b);
}

/** The rule an invalid body breaks, and where ajv must report it. */
export interface InvalidBody {
  label: InvalidLabel;
  rule: string;
  body: Body;
  /** the ajv keyword and instance path that must be the body's only schema error */
  expect: { keyword: string; path: string };
}

export const INVALID_LABELS = [
  'missing-required',
  'wrong-json-type',
  'undeclared-enum-member',
  'unknown-future-value',
  'invitee-cardinality',
  'unknown-property',
  'foreign-odata-type',
  'over-long-string',
  'null-not-nullable',
  'read-only-sent',
] as const;
export type InvalidLabel = (typeof INVALID_LABELS)[number];

const RULES: Record<InvalidLabel, string> = {
  'missing-required': 'a property the create page marks Required is absent',
  'wrong-json-type': 'a property has a JSON type other than its declared type',
  'undeclared-enum-member': 'an enum property holds a member the enum does not declare',
  'unknown-future-value': 'unknownFutureValue is sent on create (evolvable enums: 400)',
  'invitee-cardinality': 'inviteeUserIds does not hold exactly one identifier',
  'unknown-property': 'a property the type does not declare is sent',
  'foreign-odata-type': '@odata.type names a type that is not dataShareOutgoingFlow',
  'over-long-string': 'a string is longer than the documented maximum',
  'null-not-nullable': 'null is sent for a property that is not nullable',
  'read-only-sent': 'the read-only key id is sent',
};

const WRONG_TYPES: fc.Arbitrary<unknown> = fc.oneof(fc.integer(), fc.boolean(), fc.constant({}), fc.double({ noNaN: true, noDefaultInfinity: true }));

/**
 * Invalid create (or update) bodies, each breaking exactly one rule. `kind` selects the schema; on update,
 * `missing-required` and `unknown-future-value` do not exist (nothing is required; unknownFutureValue means absent).
 */
export function invalidBody(reg: SchemaRegistry, kind: 'create' | 'update', marker?: string, only?: InvalidLabel[], opts: BodyOptions = {}): fc.Arbitrary<InvalidBody> {
  const schema = `dataShareOutgoingFlow.${kind}`;
  const valid = validCreateBody(reg, marker, opts); // a full body is a valid update too
  const required: string[] = (reg.schema(schema) as any).required;
  const stringProps = ['displayName', 'shareName'];
  const enumProps = ['readinessStatus', 'sharingState'];
  const families: Partial<Record<InvalidLabel, fc.Arbitrary<InvalidBody>>> = {
    'wrong-json-type': fc
      .tuple(valid, fc.constantFrom(...stringProps, 'inviteeUserIds', ...enumProps), WRONG_TYPES)
      .map(([b, k, v]) => mk('wrong-json-type', { ...b, [k]: k === 'inviteeUserIds' && typeof v === 'object' ? 'not-an-array' : v }, 'type', `/${k}`)),
    'undeclared-enum-member': fc
      .tuple(valid, fc.constantFrom(...enumProps), fc.constantFrom('bogus', 'Pending', 'READY', 'archived', ''))
      .map(([b, k, v]) => mk('undeclared-enum-member', { ...b, [k]: v }, 'enum', `/${k}`)),
    'invitee-cardinality': fc
      .tuple(valid, fc.constantFrom(0, 2, 3), fc.uuid({ version: 4 }), fc.uuid({ version: 4 }), fc.uuid({ version: 4 }))
      .map(([b, n, a, c, d]) => mk('invitee-cardinality', { ...b, inviteeUserIds: [a, c, d].slice(0, n) }, n === 0 ? 'minItems' : 'maxItems', '/inviteeUserIds')),
    'unknown-property': fc
      .tuple(valid, fc.constantFrom('bogusProp', 'displayname', 'inviteeUserId', 'shareNames', 'dscUnknownProperty'), fc.jsonValue())
      .map(([b, k, v]) => mk('unknown-property', { ...b, [k]: v }, 'additionalProperties', '/')),
    'foreign-odata-type': fc
      // types that are neither the declared type nor one of its bases: whether a base type (process, outgoingFlow) is
      // accepted is not documented (DR 0019); the own type without '#' is left out (OData libraries accept it)
      .tuple(valid, fc.constantFrom('#microsoft.graph.user', '#microsoft.graph.industryData.inboundFlow', '#microsoft.graph.identity', '#microsoft.graph.industryData.run'))
      .map(([b, t]) => mk('foreign-odata-type', { ...b, '@odata.type': t }, 'enum', '/@odata.type')),
    'over-long-string': fc.tuple(valid, fc.constantFrom(...stringProps), fc.integer({ min: 1, max: 400 })).map(([b, k, extra]) => {
      const max = prop(reg, schema, k).maxLength as number;
      const base = k === 'displayName' && marker ? marker : '';
      return mk('over-long-string', { ...b, [k]: base + 'x'.repeat(max + extra - cpLength(base)) }, 'maxLength', `/${k}`);
    }),
    // nullability is undocumented: only displayName (non-null in the shipped analogue) and a collection (never null in OData)
    'null-not-nullable': fc.tuple(valid, fc.constantFrom('displayName', 'inviteeUserIds')).map(([b, k]) => mk('null-not-nullable', { ...b, [k]: null }, 'type', `/${k}`)),
    'read-only-sent': fc.tuple(valid, fc.uuid({ version: 4 })).map(([b, id]) => mk('read-only-sent', { ...b, id }, 'not', '/id')),
  };
  if (kind === 'create') {
    families['missing-required'] = fc.tuple(valid, fc.constantFrom(...required)).map(([b, k]) => {
      const { [k]: _gone, ...rest } = b;
      return mk('missing-required', rest, 'required', '/');
    });
    families['unknown-future-value'] = fc.tuple(valid, fc.constantFrom(...enumProps)).map(([b, k]) => mk('unknown-future-value', { ...b, [k]: 'unknownFutureValue' }, 'not', `/${k}`));
  }
  const chosen = Object.entries(families).filter(([l]) => !only || only.includes(l as InvalidLabel));
  if (!chosen.length) throw new Error(`no invalid family among ${only?.join(', ')} exists for ${kind}`);
  return fc.oneof(...chosen.map(([, a]) => a!));
}

function mk(label: InvalidLabel, body: Body, keyword: string, path: string): InvalidBody {
  return { label, rule: RULES[label], body, expect: { keyword, path } };
}

export const invalidLabelsFor = (kind: 'create' | 'update'): InvalidLabel[] =>
  INVALID_LABELS.filter((l) => kind === 'create' || (l !== 'missing-required' && l !== 'unknown-future-value'));
