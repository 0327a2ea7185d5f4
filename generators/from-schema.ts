/**
 * JSON Schema -> fast-check arbitrary, for the keywords the project's schemas use:
 * type (and type arrays), enum, const, properties/required/additionalProperties, items/minItems/maxItems,
 * minLength/maxLength, format uuid/date-time, $ref, allOf (merged), anyOf (one branch), not (filtered).
 * Properties flagged readOnly or x-server-managed are left out unless asked for.
 */
import fc from 'fast-check';
import type { SchemaRegistry } from '../schemas/registry.js';
import { hardString } from './strings.js';

type Schema = Record<string, any>;

export class UnsupportedSchemaError extends Error {}

export interface CompileOptions {
  /** include readOnly / x-server-managed properties (default false) */
  includeServerManaged?: boolean;
  /** per-property arbitraries that replace the compiled ones, by property name */
  overrides?: Record<string, fc.Arbitrary<unknown>>;
  /** emit every optional property (default: each optional one present or not) */
  allOptional?: boolean;
}

const SUPPORTED = new Set([
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'unevaluatedProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'minimum',
  'format',
  '$ref',
  'allOf',
  'anyOf',
  'not',
  // annotations
  '$schema',
  '$id',
  'title',
  'description',
  'readOnly',
]);

export function compile(reg: SchemaRegistry, name: string, opts: CompileOptions = {}): fc.Arbitrary<any> {
  return toArb(reg, reg.schema(name), opts, name);
}

function resolve(reg: SchemaRegistry, s: Schema): Schema {
  if (typeof s.$ref !== 'string') return s;
  const target = reg.schema(s.$ref.replace(/\.schema\.json$/, ''));
  const { $ref: _ignored, ...rest } = s;
  return { ...resolve(reg, target), ...rest };
}

/** allOf branches merged into one schema (our schemas never conflict inside allOf). */
function flatten(reg: SchemaRegistry, s: Schema): Schema {
  let out = resolve(reg, s);
  if (Array.isArray(out.allOf)) {
    const { allOf, ...rest } = out;
    let merged: Schema = {};
    for (const part of allOf as Schema[]) {
      const f = flatten(reg, part);
      merged = { ...merged, ...f, properties: { ...(merged.properties ?? {}), ...(f.properties ?? {}) }, required: [...(merged.required ?? []), ...(f.required ?? [])] };
    }
    out = { ...merged, ...rest, properties: { ...(merged.properties ?? {}), ...(rest.properties ?? {}) }, required: [...(merged.required ?? []), ...(rest.required ?? [])] };
  }
  return out;
}

function toArb(reg: SchemaRegistry, raw: Schema | boolean, opts: CompileOptions, where: string): fc.Arbitrary<any> {
  if (raw === true) return fc.jsonValue();
  if (raw === false) throw new UnsupportedSchemaError(`${where}: the false schema has no values`);
  const s = flatten(reg, raw);
  for (const k of Object.keys(s)) if (!SUPPORTED.has(k) && !k.startsWith('x-')) throw new UnsupportedSchemaError(`${where}: keyword "${k}" is not supported by the generator`);
  let arb = base(reg, s, opts, where);
  if (s.not) {
    const notV = reg.ajv.compile({ ...s.not });
    arb = arb.filter((v) => !notV(v));
  }
  return arb;
}

function base(reg: SchemaRegistry, s: Schema, opts: CompileOptions, where: string): fc.Arbitrary<any> {
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  if (Array.isArray(s.anyOf)) return fc.oneof(...s.anyOf.map((b: Schema, i: number) => toArb(reg, b, opts, `${where}/anyOf/${i}`)));
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((t: string) => base(reg, { ...s, type: t }, opts, where)));
  switch (s.type) {
    case 'string':
      if (s.format === 'uuid') return fc.uuid({ version: 4 });
      if (s.format === 'date-time') return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());
      if (s.format) throw new UnsupportedSchemaError(`${where}: format "${s.format}" is not supported`);
      return hardString({ minLength: s.minLength, maxLength: s.maxLength });
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1_000_000, max: 1_000_000 });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(s.items ? toArb(reg, s.items, opts, `${where}/items`) : fc.jsonValue(), { minLength: s.minItems ?? 0, maxLength: s.maxItems ?? 5 });
    case 'object':
    case undefined: {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const keep = Object.entries(props).filter(([k, p]) => {
        if (opts.overrides?.[k]) return true;
        if (k.startsWith('@')) return false;
        const ps = resolve(reg, p);
        if (ps.not && Object.keys(ps.not).length === 0) return false; // a property that must not be sent (read-only key)
        return opts.includeServerManaged || !(ps.readOnly || ps['x-server-managed']);
      });
      const required = new Set<string>(s.required ?? []);
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, p] of keep) model[k] = opts.overrides?.[k] ?? toArb(reg, p, opts, `${where}/properties/${k}`);
      if (opts.overrides) for (const [k, a] of Object.entries(opts.overrides)) model[k] ??= a;
      const requiredKeys = opts.allOptional ? Object.keys(model) : Object.keys(model).filter((k) => required.has(k));
      if (s.type === undefined && !keep.length) return fc.jsonValue();
      return fc.record(model, { requiredKeys });
    }
    default:
      throw new UnsupportedSchemaError(`${where}: type "${s.type}" is not supported`);
  }
}
