import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDocs } from '../contract/build.js';
import { checkDrift, formatDrift } from '../contract/generate.js';
import { buildOpenApi, validateOpenApi } from '../contract/openapi.js';
import { newAjv, readSchemaFiles, SCHEMA_DIR, SchemaRegistry } from '../schemas/registry.js';
import { sharedDocsFolder } from './helpers/docs.js';

const docs = sharedDocsFolder();

describe('committed schemas', () => {
  it('every schema compiles under ajv strict mode', () => {
    const files = readSchemaFiles();
    expect(Object.keys(files).length).toBeGreaterThanOrEqual(19);
    const ajv = newAjv();
    for (const s of Object.values(files)) ajv.addSchema(s);
    for (const [f, s] of Object.entries(files)) expect(() => ajv.getSchema(s.$id as string), f).not.toThrow();
  });

  it('keeps the inheritance chain as separate schemas joined by $ref', () => {
    const files = readSchemaFiles();
    const base = (f: string) => (files[f].allOf as { $ref: string }[])[0].$ref;
    expect(base('dataShareOutgoingFlow.schema.json')).toBe('outgoingFlow.schema.json');
    expect(base('outgoingFlow.schema.json')).toBe('process.schema.json');
    expect(base('process.schema.json')).toBe('mutableEntity.schema.json');
    expect(base('mutableEntity.schema.json')).toBe('entity.schema.json');
  });

  it('carries provenance and documented flags as annotations', () => {
    const reg = new SchemaRegistry();
    for (const [f, s] of Object.entries(reg.raw)) expect(s['x-source'], f).toBeTruthy();
    const create = reg.schema('dataShareOutgoingFlow.create') as any;
    expect(create.properties.displayName['x-required-on-create']).toBe(true);
    expect(create.properties.readinessStatus['x-documented-requirement']).toBe('required');
    expect(create.properties.readinessStatus['x-server-managed']).toBe(true);
    expect(create.properties.readinessStatus['x-required-on-create']).toBe(false);
    const update = reg.schema('dataShareOutgoingFlow.update') as any;
    expect(update.required).toEqual([]);
  });

  it('validates real shapes and rejects wrong ones', () => {
    const reg = new SchemaRegistry();
    const flow = {
      id: 'a',
      eTag: 'W/"1"',
      displayName: 'x',
      readinessStatus: 'disabled',
      inviteeUserIds: ['b'],
      sharingState: 'pending',
      shareName: 's',
      '@odata.etag': 'W/"1"',
    };
    expect(reg.check('dataShareOutgoingFlow', flow)).toEqual([]);
    expect(reg.check('dataShareOutgoingFlow', { ...flow, sharingState: 'bogus' }).map((i) => i.path)).toContain('/sharingState');
    expect(reg.check('dataShareOutgoingFlow', { ...flow, extra: 1 }).map((i) => i.keyword)).toContain('unevaluatedProperties');
    expect(reg.check('dataShareOutgoingFlow.create', { displayName: 'x', shareName: 's', inviteeUserIds: ['0f8fad5b-d9cb-469f-a165-70867728950e'], sharingState: 'unknownFutureValue' })).not.toEqual([]);
    expect(reg.check('dataShareOutgoingFlow.update', { sharingState: 'unknownFutureValue' })).toEqual([]);
    expect(reg.check('odataError', { error: { code: 'badRequest', message: 'm', innerError: {} } })).toEqual([]);
    expect(reg.check('odataError', { error: { code: '', message: 'm' } })).not.toEqual([]);
    expect(reg.check('identity', { id: null, displayName: 'x', userPrincipalName: 'u' })).toEqual([]);
  });
});

/**
 * The doc examples use type names as values ("String", "String (timestamp)", "<Unknown None>").
 * Replace those with values of the type, then every remaining issue must be a named doc defect.
 */
function fillPlaceholders(v: any, key = ''): any {
  if (Array.isArray(v)) return v.map((x) => fillPlaceholders(x, key));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillPlaceholders(x, k)]));
  if (v === 'String (timestamp)') return '2026-01-01T00:00:00Z';
  if (v === '<Unknown None>') return key === 'value' ? {} : null;
  if (v === 'String') {
    const enumSample: Record<string, string> = { readinessStatus: 'notReady', sharingState: 'pending', status: 'running', inviteeUserIds: '0f8fad5b-d9cb-469f-a165-70867728950e' };
    return enumSample[key] ?? v;
  }
  return v;
}

const ID_MISSING = 'doc defect 3: id missing from the newest examples';
const GET_WRAPPED = 'doc defect 2: Get example wraps the entity in "value"';
const EXAMPLES: { file: string; block: 'repr' | 'request' | 'response'; schema: string; defects: Record<string, string> }[] = [
  { file: 'industrydata-datashareoutgoingflow.md', block: 'repr', schema: 'dataShareOutgoingFlow', defects: { '/ required': ID_MISSING } },
  { file: 'industrydata-industrydatahub-post-datashareoutgoingflows.md', block: 'request', schema: 'dataShareOutgoingFlow.create', defects: {} },
  { file: 'industrydata-industrydatahub-post-datashareoutgoingflows.md', block: 'response', schema: 'dataShareOutgoingFlow', defects: { '/ required': ID_MISSING } },
  { file: 'industrydata-datashareoutgoingflow-get.md', block: 'response', schema: 'dataShareOutgoingFlow', defects: { '/ required': GET_WRAPPED, '/ unevaluatedProperties': GET_WRAPPED } },
  { file: 'industrydata-datashareoutgoingflow-list.md', block: 'response', schema: 'dataShareOutgoingFlow.collection', defects: { '/value/0 required': ID_MISSING } },
  { file: 'industrydata-industrydatahub-list-datashareoutgoingflows.md', block: 'response', schema: 'dataShareOutgoingFlow.collection', defects: { '/value/0 required': ID_MISSING } },
  { file: 'industrydata-datashareoutgoingflow-update.md', block: 'request', schema: 'dataShareOutgoingFlow.update', defects: {} },
  { file: 'industrydata-datashareoutgoingflow-update.md', block: 'response', schema: 'dataShareOutgoingFlow', defects: { '/ required': ID_MISSING } },
  { file: 'industrydata-datashareoutgoingflow-getpotentialdatashareinvitees.md', block: 'response', schema: 'identity.collection', defects: {} },
  { file: 'industrydata-run.md', block: 'repr', schema: 'run', defects: { '/ required': ID_MISSING } },
  { file: 'industrydata-run-get.md', block: 'response', schema: 'run', defects: { '/ required': GET_WRAPPED, '/ unevaluatedProperties': GET_WRAPPED } },
  { file: 'industrydata-run-list.md', block: 'response', schema: 'run.collection', defects: { '/value/0 required': ID_MISSING } },
  { file: 'industrydata-incomingflow-list-runs.md', block: 'response', schema: 'run.collection', defects: { '/value/0 required': ID_MISSING } },
  { file: 'industrydata-incomingflow-post-runs.md', block: 'request', schema: 'run.create', defects: {} },
  { file: 'identity.md', block: 'repr', schema: 'identity', defects: {} },
];

describe.skipIf(!docs)('doc examples against the schemas (needs the shared doc pages)', () => {
  const pages = docs ? readDocs(docs) : [];
  const reg = new SchemaRegistry();
  it.each(EXAMPLES)('$file $block validates except for its named defects', ({ file, block, schema, defects }) => {
    const page = pages.find((p) => p.file === file)!;
    const raw = block === 'repr' ? page.representation : page.examples.find((e) => e.blockType === block)?.body;
    expect(raw, `${file} has a JSON ${block}`).toBeDefined();
    const issues = reg.check(schema, fillPlaceholders(raw));
    const seen = new Set(issues.map((i) => `${i.path} ${i.keyword}`));
    const unexplained = [...seen].filter((k) => !(k in defects));
    expect(unexplained, 'issues that are not a named doc defect').toEqual([]);
    expect(Object.keys(defects).filter((k) => !seen.has(k)), 'named defects that no longer occur').toEqual([]);
  });
});

describe.skipIf(!docs)('schemas:check (needs the shared doc pages)', () => {
  it('passes on the committed schemas', () => {
    expect(checkDrift(docs!, SCHEMA_DIR)).toEqual([]);
  });
  it('fails with a readable diff on a deliberately drifted schema', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dsc-drift-'));
    cpSync(SCHEMA_DIR, dir, { recursive: true, filter: (f) => !f.endsWith('.ts') });
    const f = path.join(dir, 'dataShareSharingState.schema.json');
    const s = JSON.parse(readFileSync(f, 'utf8'));
    s.enum = s.enum.filter((x: string) => x !== 'problem');
    writeFileSync(f, JSON.stringify(s));
    const drift = checkDrift(docs!, dir);
    expect(drift.map((d) => `${d.file} ${d.pointer}`)).toEqual(['dataShareSharingState.schema.json /enum/2', 'dataShareSharingState.schema.json /enum/3']);
    expect(formatDrift(drift)).toContain('from docs:   "problem"');
  });
  it('fails when the docs change under the committed schemas', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dsc-docs-'));
    cpSync(docs!, dir, { recursive: true });
    const page = path.join(dir, 'industrydata-datashareoutgoingflow.md');
    writeFileSync(page, readFileSync(page, 'utf8').replace('|shareName|String|', '|shareName|Int32|'));
    const drift = checkDrift(dir, SCHEMA_DIR);
    expect(drift.some((d) => d.pointer === '/properties/shareName/type' && d.regenerated === 'integer')).toBe(true);
  });
});

describe('OpenAPI export', () => {
  it('validates against the OpenAPI 3.1 schema and reuses the project schemas', async () => {
    const doc = buildOpenApi();
    const res = await validateOpenApi(doc);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    expect(Object.keys(doc.paths)).toHaveLength(5);
    expect(doc.components.schemas['dataShareOutgoingFlow.create'].properties.displayName.maxLength).toBe(100);
  });
  it('the committed openapi.json is current', () => {
    const committed = JSON.parse(readFileSync(path.join(SCHEMA_DIR, 'openapi.json'), 'utf8'));
    expect(committed).toEqual(buildOpenApi());
  });
});
