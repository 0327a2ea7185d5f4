/**
 * Builds the project's JSON Schemas from the Graph doc pages plus contract/overrides.yaml.
 * Pure: (pages, overrides) -> { fileName: schema }. Reading and writing files is done by the CLI.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { type DocPage, type DocProperty, parseDocPage } from './markdown.js';

export const SCHEMA_BASE = 'https://datashare-conformance.dev/schemas/';
const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

export interface PropertyOverride {
  serverManaged?: boolean;
  readOnly?: boolean;
  requiredOnCreate?: boolean;
  requiredOnUpdate?: boolean;
  acceptedInResponses?: string[];
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  itemFormat?: string;
  nullable?: boolean;
}

export interface Overrides {
  namespace: string;
  resource: string;
  substitutePages: { runCreate: string };
  types: Record<string, { source: string; properties?: Record<string, { type: string; readOnly?: boolean; description?: string }>; schema?: string }>;
  properties: Record<string, PropertyOverride>;
}

export class ContractError extends Error {}

export function loadOverrides(file = new URL('./overrides.yaml', import.meta.url)): Overrides {
  return YAML.parse(readFileSync(file, 'utf8')) as Overrides;
}

export function readDocs(folder: string): DocPage[] {
  let names: string[];
  try {
    names = readdirSync(folder).filter((n) => n.endsWith('.md'));
  } catch (e) {
    throw new ContractError(`cannot read the docs folder "${folder}": ${(e as Error).message}`);
  }
  if (!names.length) throw new ContractError(`the docs folder "${folder}" has no .md pages`);
  return names.sort().map((n) => parseDocPage(n, readFileSync(path.join(folder, n), 'utf8')));
}

type Schema = Record<string, unknown>;

const PRIMITIVES: Record<string, Schema> = {
  String: { type: 'string' },
  DateTimeOffset: { type: 'string', format: 'date-time' },
  Boolean: { type: 'boolean' },
  Int32: { type: 'integer' },
  Int64: { type: 'integer' },
  Guid: { type: 'string', format: 'uuid' },
};

const short = (qualified: string) => qualified.split('.').pop()!;
const ref = (name: string) => ({ $ref: `${name}.schema.json` });
const propertiesOf = (page: DocPage) => page.tables.Properties ?? [];
const relationshipsOf = (page: DocPage) => page.tables.Relationships ?? [];
const isInherited = (p: DocProperty) => /Inherited from/i.test(p.description);

/** Builds all schemas. Throws ContractError naming the page when the docs lack something the build needs. */
export function buildSchemas(pages: DocPage[], ov: Overrides): Record<string, Schema> {
  const byType = new Map<string, DocPage>();
  for (const p of pages) if (p.resource?.odataType) byType.set(p.resource.odataType, p);
  const qualified = (n: string) => `${ov.namespace}.${n}`;
  const need = (odataType: string): DocPage => {
    const p = byType.get(odataType);
    if (!p) throw new ContractError(`no page in the docs folder has a resource annotation for "${odataType}"`);
    return p;
  };
  const out: Record<string, Schema> = {};
  const enums = new Map<string, { values: string[]; source: string }>();

  const propOverride = (typeName: string, prop: string): PropertyOverride => ov.properties[`${typeName}.${prop}`] ?? {};

  /** Schema of one property's value, registering enums it meets. */
  const valueSchema = (prop: DocProperty, source: string, o: PropertyOverride, forResponse: boolean): Schema => {
    let s: Schema;
    if (prop.enumValues) {
      if (!enums.has(prop.type)) enums.set(prop.type, { values: prop.enumValues, source });
      s = ref(prop.type);
      if (forResponse && o.acceptedInResponses) s = { anyOf: [ref(prop.type), { enum: o.acceptedInResponses }] };
    } else if (PRIMITIVES[prop.type]) {
      s = { ...PRIMITIVES[prop.type] };
      // length and cardinality limits are request-side rules: a response is not failed for them
      if (!forResponse && o.maxLength !== undefined && s.type === 'string') s.maxLength = o.maxLength;
    } else {
      const t = ov.types[prop.type];
      s = ref(t?.schema ?? short(prop.type));
    }
    if (prop.collection) {
      const items = o.itemFormat && !forResponse ? { ...s, format: o.itemFormat } : s;
      s = { type: 'array', items };
      if (!forResponse && o.minItems !== undefined) s.minItems = o.minItems;
      if (!forResponse && o.maxItems !== undefined) s.maxItems = o.maxItems;
    }
    if (o.nullable) s = s.$ref || s.anyOf ? { anyOf: [s, { type: 'null' }] } : { ...s, type: [s.type, 'null'] };
    return s;
  };

  const annotate = (s: Schema, prop: DocProperty, source: string, o: PropertyOverride): Schema => {
    const out: Schema = { ...s, description: prop.description.replace(/\s+/g, ' ').trim(), 'x-source': source };
    if (prop.readOnly || o.readOnly) out.readOnly = true;
    if (o.serverManaged) out['x-server-managed'] = true;
    return out;
  };

  // --- entity inheritance chain, one schema per level ---
  const entityOv = ov.types['microsoft.graph.entity'];
  if (!entityOv?.properties) throw new ContractError('overrides.yaml must describe microsoft.graph.entity');
  out['entity.schema.json'] = {
    $schema: DIALECT,
    $id: `${SCHEMA_BASE}entity.schema.json`,
    title: 'microsoft.graph.entity',
    'x-source': entityOv.source,
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(entityOv.properties).map(([k, v]) => [k, { ...PRIMITIVES[v.type], readOnly: !!v.readOnly, description: v.description, 'x-source': entityOv.source }]),
    ),
    required: Object.keys(entityOv.properties),
  };

  const leaf = qualified(ov.resource);
  const chain: DocPage[] = [];
  for (let t: string | undefined = leaf; t && t !== 'microsoft.graph.entity'; ) {
    const page = need(t);
    chain.unshift(page);
    t = page.resource?.baseType;
    if (!t) throw new ContractError(`${page.file}: resource annotation has no baseType`);
  }
  for (const page of chain) {
    const name = short(page.resource!.odataType);
    const base = short(page.resource!.baseType!);
    const own = propertiesOf(page).filter((p) => !isInherited(p));
    const isLeaf = page.resource!.odataType === leaf;
    const schema: Schema = {
      $schema: DIALECT,
      $id: `${SCHEMA_BASE}${name}.schema.json`,
      title: page.resource!.odataType,
      description: page.description,
      'x-source': `${page.file}#Properties`,
      'x-abstract': page.abstract,
      'x-key-property': page.resource!.keyProperty,
      'x-navigation': relationshipsOf(page).filter((r) => !isInherited(r)).map((r) => r.name),
      allOf: [ref(base)],
      type: 'object',
      // flags belong to the resource under test, so inherited members read the leaf's overrides
      properties: Object.fromEntries(own.map((p) => [p.name, annotate(valueSchema(p, `${page.file}#Properties`, propOverride(ov.resource, p.name), true), p, `${page.file}#Properties`, propOverride(ov.resource, p.name))])),
      required: own.map((p) => p.name),
    };
    if (isLeaf) {
      // Annotations (`@odata.type`, `@odata.etag`, `x@odata.navigationLink`) are allowed on any entity.
      schema.patternProperties = { '@': true };
      schema.unevaluatedProperties = false;
    }
    out[`${name}.schema.json`] = schema;
  }
  // --- request bodies of the resource, from the create and update pages ---
  const leafPage = need(leaf);
  const collectionPath = new RegExp(`^/industryData/${ov.resource}s$`, 'i');
  const itemPath = new RegExp(`^/industryData/${ov.resource}s/\\{[^}]+\\}$`, 'i');
  const apiPage = (method: string, re: RegExp) => {
    const p = pages.find((pg) => pg.namespace === ov.namespace && pg.httpRequests.some((r) => r.method === method && re.test(r.path)));
    if (!p) throw new ContractError(`no API page in namespace ${ov.namespace} documents ${method} ${re.source}`);
    return p;
  };
  const createPage = apiPage('POST', collectionPath);
  const updatePage = apiPage('PATCH', itemPath);
  // OData libraries read the type name with or without the leading '#'; both name the declared type
  const odataTypeProp = { type: 'string', enum: [`#${leaf}`, leaf], description: 'Type annotation; the declared type or none (OData JSON 4.5.3).' };
  const requestBody = (page: DocPage, kind: 'create' | 'update'): Schema => {
    const rows = page.tables['Request body'];
    if (!rows?.length) throw new ContractError(`${page.file}: no property table under "Request body"`);
    const src = `${page.file}#Request body`;
    const props: Record<string, Schema> = {
      '@odata.type': odataTypeProp,
      // the key is server-generated and read-only: a body that carries it breaks a rule
      id: { not: {}, readOnly: true, description: 'Key of the entity; server-generated, read-only.', 'x-source': entityOv.source },
    };
    const required: string[] = [];
    for (const r of rows) {
      const o = propOverride(ov.resource, r.name);
      const documented = r.requirement === 'required';
      const req = kind === 'create' ? (o.requiredOnCreate ?? documented) : (o.requiredOnUpdate ?? documented);
      let s = valueSchema(r, src, o, false);
      // Evolvable enums (Graph guideline): unknownFutureValue is refused on create, treated as absent on PATCH.
      if (kind === 'create' && r.enumValues?.includes('unknownFutureValue')) s = { allOf: [s], not: { const: 'unknownFutureValue' } };
      s = annotate(s, r, src, o);
      s['x-documented-requirement'] = r.requirement ?? 'unstated';
      s[`x-required-on-${kind}`] = req;
      props[r.name] = s;
      if (req) required.push(r.name);
    }
    return {
      $schema: DIALECT,
      $id: `${SCHEMA_BASE}${ov.resource}.${kind}.schema.json`,
      title: `${kind === 'create' ? 'POST' : 'PATCH'} body of ${leaf}`,
      'x-source': src,
      'x-success-status': page.successStatus,
      type: 'object',
      properties: props,
      required,
      additionalProperties: false,
    };
  };
  out[`${ov.resource}.create.schema.json`] = requestBody(createPage, 'create');
  out[`${ov.resource}.update.schema.json`] = requestBody(updatePage, 'update');

  // --- run: response and add-run body ---
  const runRel = relationshipsOf(leafPage).find((r) => r.name === 'runs') ?? relationshipsOf(need(qualified('process'))).find((r) => r.name === 'runs');
  if (!runRel) throw new ContractError(`${leafPage.file}: no "runs" relationship`);
  const runPage = need(runRel.type.includes('.') ? runRel.type : qualified(runRel.type));
  const runProps = propertiesOf(runPage);
  const runSrc = `${runPage.file}#Properties`;
  out['run.schema.json'] = {
    $schema: DIALECT,
    $id: `${SCHEMA_BASE}run.schema.json`,
    title: runPage.resource!.odataType,
    description: runPage.description,
    'x-source': runSrc,
    'x-abstract': runPage.abstract,
    allOf: [ref(short(runPage.resource!.baseType ?? 'entity'))],
    type: 'object',
    properties: Object.fromEntries(runProps.map((p) => [p.name, annotate(valueSchema(p, runSrc, propOverride('run', p.name), true), p, runSrc, propOverride('run', p.name))])),
    required: runProps.filter((p) => !propOverride('run', p.name).nullable).map((p) => p.name),
    patternProperties: { '@': true },
    unevaluatedProperties: false,
  };
  const runCreatePage = pages.find((p) => p.file === ov.substitutePages.runCreate);
  if (!runCreatePage) throw new ContractError(`substitute page ${ov.substitutePages.runCreate} (overrides.yaml) is not in the docs folder`);
  const runRows = runCreatePage.tables['Request body'] ?? [];
  const runCreateSrc = `${runCreatePage.file}#Request body`;
  out['run.create.schema.json'] = {
    $schema: DIALECT,
    $id: `${SCHEMA_BASE}run.create.schema.json`,
    title: `POST body of ${runPage.resource!.odataType} (runs of a flow)`,
    'x-source': runCreateSrc,
    'x-success-status': runCreatePage.successStatus,
    type: 'object',
    properties: {
      '@odata.type': { type: 'string', description: 'Type annotation; run is abstract and has no documented concrete subtype.' },
      ...Object.fromEntries(
        runRows.map((r) => {
          const o = propOverride('run', r.name);
          let s = valueSchema(r, runCreateSrc, o, false);
          if (r.enumValues?.includes('unknownFutureValue')) s = { allOf: [s], not: { const: 'unknownFutureValue' } };
          s = annotate(s, r, runCreateSrc, o);
          s['x-documented-requirement'] = r.requirement ?? 'unstated';
          s['x-required-on-create'] = r.requirement === 'required';
          return [r.name, s];
        }),
      ),
    },
    required: runRows.filter((r) => r.requirement === 'required').map((r) => r.name),
    additionalProperties: false,
  };
  const statsType = runProps.find((p) => p.name === 'statistics');
  const statsPage = statsType ? byType.get(statsType.type) : undefined;
  out['runStatistics.schema.json'] = {
    $schema: DIALECT,
    $id: `${SCHEMA_BASE}runStatistics.schema.json`,
    title: `${ov.namespace}.runStatistics`,
    description: statsPage?.description ?? 'Weakly-typed statistics log of a run; no documented properties.',
    'x-source': statsPage ? `${statsPage.file}#Properties` : `${runPage.file}#Properties`,
    type: 'object',
  };

  // --- publicError (run.blockingError), from the CSDL excerpt named in overrides.yaml ---
  out['publicError.schema.json'] = {
    $schema: DIALECT,
    $id: `${SCHEMA_BASE}publicError.schema.json`,
    title: 'microsoft.graph.publicError',
    'x-source': ov.types['microsoft.graph.publicError']?.source,
    type: 'object',
    properties: {
      code: { type: ['string', 'null'] },
      message: { type: ['string', 'null'] },
      target: { type: ['string', 'null'] },
      details: { type: ['array', 'null'], items: { type: 'object' } },
      innerError: { type: ['object', 'null'] },
    },
  };

  // --- identity (return element of getPotentialDataShareInvitees): open type ---
  const idPage = need('microsoft.graph.identity');
  const idSrc = `${idPage.file}#Properties`;
  out['identity.schema.json'] = {
    $schema: DIALECT,
    $id: `${SCHEMA_BASE}identity.schema.json`,
    title: 'microsoft.graph.identity',
    description: 'Open complex type: additional properties may be returned (identity.md Remarks).',
    'x-source': idSrc,
    'x-open-type': true,
    type: 'object',
    properties: Object.fromEntries(propertiesOf(idPage).map((p) => [p.name, annotate(valueSchema(p, idSrc, propOverride('identity', p.name), true), p, idSrc, propOverride('identity', p.name))])),
  };

  // --- enums met on the way ---
  for (const [name, { values, source }] of [...enums.entries()].sort()) {
    out[`${name}.schema.json`] = {
      $schema: DIALECT,
      $id: `${SCHEMA_BASE}${name}.schema.json`,
      title: `${ov.namespace}.${name}`,
      'x-source': source,
      'x-evolvable': values.includes('unknownFutureValue'),
      type: 'string',
      enum: values,
    };
  }

  // --- OData envelopes: from the protocol rules, not the docs ---
  for (const [item, src] of [
    [ov.resource, 'OData JSON 4.01 §12; Graph guidelines: root object with a value property'],
    ['run', 'OData Protocol §11.2.7 (navigation collection)'],
    ['identity', 'OData Protocol §11.5.4.1 (collection-valued function)'],
  ] as const) {
    out[`${item}.collection.schema.json`] = {
      $schema: DIALECT,
      $id: `${SCHEMA_BASE}${item}.collection.schema.json`,
      title: `Collection(${item})`,
      'x-source': src,
      type: 'object',
      properties: {
        value: { type: 'array', items: ref(item) },
        '@odata.nextLink': { type: 'string', format: 'uri' },
        '@odata.count': { type: 'integer', minimum: 0 },
        '@odata.context': { type: 'string' },
      },
      required: ['value'],
      patternProperties: { '^@': true },
      additionalProperties: false,
    };
  }
  out['odataError.schema.json'] = {
    $schema: DIALECT,
    $id: `${SCHEMA_BASE}odataError.schema.json`,
    title: 'OData / Graph error response',
    'x-source': 'OData JSON 4.01 §21; OData Protocol §9.4; Graph guidelines "Error handling"',
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: { type: 'string', minLength: 1 },
          message: { type: 'string', minLength: 1 },
          target: { type: 'string' },
          details: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, target: { type: 'string' } }, required: ['code', 'message'] } },
          innerError: { type: 'object' },
          innererror: { type: 'object' },
        },
        required: ['code', 'message'],
      },
    },
    required: ['error'],
    additionalProperties: false,
  };
  return sortKeys(out) as Record<string, Schema>;
}

/** Stable output: schema files sorted by name; keys inside kept in insertion order, undefined dropped. */
function sortKeys(o: Record<string, Schema>): Record<string, Schema> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, JSON.parse(JSON.stringify(o[k]))]));
}

export function serialize(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
