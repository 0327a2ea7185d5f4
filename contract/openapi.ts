/** OpenAPI 3.1 description of the documented endpoints, built from the committed schemas. */
import { Validator } from '@seriousme/openapi-schema-validator';
import { readSchemaFiles } from '../schemas/registry.js';

type Obj = Record<string, any>;

/** Rewrites `X.schema.json` refs to components and drops per-file identifiers. */
function toComponent(schema: Obj): Obj {
  const walk = (v: any): any => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o: Obj = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === '$schema' || k === '$id') continue;
        o[k] = k === '$ref' && typeof x === 'string' ? `#/components/schemas/${x.replace(/\.schema\.json$/, '')}` : walk(x);
      }
      return o;
    }
    return v;
  };
  return walk(schema);
}

const json = (name: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } });
const error = { description: 'OData error', content: json('odataError') };
const ifMatch = { name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'eTag for optimistic concurrency (DR 0005).' };
const idParam = { name: 'dataShareOutgoingFlowId', in: 'path', required: true, schema: { type: 'string' } };
const queryParams = ['$top', '$skip', '$filter', '$select', '$count', '$orderby'].map((n) => ({
  name: n,
  in: 'query',
  required: false,
  schema: n === '$top' || n === '$skip' ? { type: 'integer', minimum: 0 } : n === '$count' ? { type: 'boolean' } : { type: 'string' },
}));

export function buildOpenApi(collectionPath = '/industryData/dataShareOutgoingFlows'): Obj {
  const schemas = Object.fromEntries(Object.entries(readSchemaFiles()).map(([f, s]) => [f.replace(/\.schema\.json$/, ''), toComponent(s)]));
  const item = `${collectionPath}/{dataShareOutgoingFlowId}`;
  return {
    openapi: '3.1.0',
    info: {
      title: 'dataShareOutgoingFlow (Microsoft Graph beta, draft contract)',
      version: '0.1.0',
      description: 'Built by datashare-conformance from the draft doc stubs plus contract/overrides.yaml. See docs/decisions/ for every choice.',
    },
    servers: [{ url: 'https://graph.microsoft.com/beta' }],
    security: [{ graph: [] }],
    paths: {
      [collectionPath]: {
        get: { operationId: 'listDataShareOutgoingFlows', parameters: queryParams, responses: { '200': { description: 'OK', content: json('dataShareOutgoingFlow.collection') }, default: error } },
        post: {
          operationId: 'createDataShareOutgoingFlow',
          requestBody: { required: true, content: json('dataShareOutgoingFlow.create') },
          responses: {
            '201': { description: 'Created', headers: { Location: { schema: { type: 'string', format: 'uri' } } }, content: json('dataShareOutgoingFlow') },
            '204': { description: 'Created, with Prefer: return=minimal', headers: { Location: { schema: { type: 'string' } } } },
            default: error,
          },
        },
      },
      [`${collectionPath}/getPotentialDataShareInvitees`]: {
        get: {
          operationId: 'getPotentialDataShareInvitees',
          description: 'Function bound to the collection (docs); the namespace-qualified form microsoft.graph.industryData.getPotentialDataShareInvitees() is also accepted (DR 0008).',
          responses: { '200': { description: 'OK', content: json('identity.collection') }, default: error },
        },
      },
      [item]: {
        parameters: [idParam],
        get: { operationId: 'getDataShareOutgoingFlow', parameters: queryParams.filter((p) => p.name === '$select'), responses: { '200': { description: 'OK', content: json('dataShareOutgoingFlow') }, default: error } },
        patch: {
          operationId: 'updateDataShareOutgoingFlow',
          parameters: [ifMatch],
          requestBody: { required: true, content: json('dataShareOutgoingFlow.update') },
          responses: { '200': { description: 'Updated (draft docs)', content: json('dataShareOutgoingFlow') }, '204': { description: 'Updated (shipped industryData pattern)' }, '412': error, default: error },
        },
        delete: { operationId: 'deleteDataShareOutgoingFlow', parameters: [ifMatch], responses: { '204': { description: 'Deleted' }, '412': error, default: error } },
      },
      [`${item}/runs`]: {
        parameters: [idParam],
        get: { operationId: 'listRuns', parameters: queryParams.filter((p) => p.name === '$top'), responses: { '200': { description: 'OK, ordered by time', content: json('run.collection') }, default: error } },
        post: {
          operationId: 'addRun',
          description: 'Optional: runs may be read-only (DR 0006).',
          requestBody: { required: true, content: json('run.create') },
          responses: { '201': { description: 'Created', content: json('run') }, '204': { description: 'Added' }, default: error },
        },
      },
      [`${item}/runs/{runId}`]: {
        parameters: [idParam, { name: 'runId', in: 'path', required: true, schema: { type: 'string' } }],
        get: { operationId: 'getRun', responses: { '200': { description: 'OK', content: json('run') }, default: error } },
      },
    },
    components: {
      schemas,
      securitySchemes: {
        graph: {
          type: 'oauth2',
          flows: { clientCredentials: { tokenUrl: 'https://login.microsoftonline.com/TENANT_ID/oauth2/v2.0/token', scopes: { 'https://graph.microsoft.com/.default': 'application permissions' } } },
        },
      },
    },
  };
}

export async function validateOpenApi(doc: Obj): Promise<{ valid: boolean; errors?: unknown }> {
  const v = new Validator();
  const res = await v.validate(structuredClone(doc));
  return { valid: res.valid, errors: res.errors };
}
