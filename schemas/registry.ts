/** Loads the committed JSON Schemas and validates values against them (ajv, strict, 2020-12). */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsCjs from 'ajv-formats';

const addFormats = addFormatsCjs.default as unknown as (ajv: Ajv2020) => void;

/** Annotation keywords our schemas carry for generators and suites (ajv strict mode must know them). */
export const ANNOTATION_KEYWORDS = [
  'x-source',
  'x-abstract',
  'x-key-property',
  'x-navigation',
  'x-server-managed',
  'x-required-on-create',
  'x-required-on-update',
  'x-documented-requirement',
  'x-success-status',
  'x-evolvable',
  'x-open-type',
] as const;

export const SCHEMA_DIR = fileURLToPath(new URL('.', import.meta.url));

export type SchemaName =
  | 'dataShareOutgoingFlow'
  | 'dataShareOutgoingFlow.create'
  | 'dataShareOutgoingFlow.update'
  | 'dataShareOutgoingFlow.collection'
  | 'run'
  | 'run.create'
  | 'run.collection'
  | 'identity'
  | 'identity.collection'
  | 'odataError'
  | 'readinessStatus'
  | 'dataShareSharingState'
  | 'runStatus';

export interface SchemaIssue {
  path: string;
  keyword: string;
  message: string;
}

export function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addVocabulary([...ANNOTATION_KEYWORDS]);
  return ajv;
}

export function readSchemaFiles(dir = SCHEMA_DIR): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.schema.json')).sort()) {
    out[f] = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8'));
  }
  return out;
}

/** A compiled set of schemas; compile once per process. */
export class SchemaRegistry {
  readonly ajv = newAjv();
  readonly raw: Record<string, Record<string, unknown>>;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(schemas: Record<string, Record<string, unknown>> = readSchemaFiles()) {
    this.raw = schemas;
    for (const s of Object.values(schemas)) this.ajv.addSchema(s);
  }

  validator(name: SchemaName | string): ValidateFunction {
    let v = this.compiled.get(name);
    if (!v) {
      const id = this.raw[`${name}.schema.json`]?.$id as string | undefined;
      if (!id) throw new Error(`unknown schema "${name}"`);
      v = this.ajv.getSchema(id)!;
      this.compiled.set(name, v);
    }
    return v;
  }

  /** Returns the issues (empty when valid). */
  check(name: SchemaName | string, value: unknown): SchemaIssue[] {
    const v = this.validator(name);
    if (v(value)) return [];
    return (v.errors ?? []).map(toIssue);
  }

  schema(name: SchemaName | string): Record<string, unknown> {
    const s = this.raw[`${name}.schema.json`];
    if (!s) throw new Error(`unknown schema "${name}"`);
    return s;
  }
}

function toIssue(e: ErrorObject): SchemaIssue {
  const extra =
    e.keyword === 'unevaluatedProperties' || e.keyword === 'additionalProperties'
      ? ` "${(e.params as { unevaluatedProperty?: string; additionalProperty?: string }).unevaluatedProperty ?? (e.params as { additionalProperty?: string }).additionalProperty}"`
      : e.keyword === 'enum'
        ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`
        : '';
  return { path: e.instancePath || '/', keyword: e.keyword, message: `${e.message ?? e.keyword}${extra}` };
}

export function formatIssues(issues: SchemaIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

let shared: SchemaRegistry | undefined;
/** The process-wide registry of the committed schemas. */
export function schemas(): SchemaRegistry {
  shared ??= new SchemaRegistry();
  return shared;
}
