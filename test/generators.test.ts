/** Properties of the schema-compiled generators: valid is valid, invalid breaks exactly its labelled rule. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVALID_LABELS, invalidBody, invalidLabelsFor, validCreateBody, validRunBody, validUpdateBody } from '../generators/bodies.js';
import { compile, UnsupportedSchemaError } from '../generators/from-schema.js';
import { HARD_SAMPLES, type HardClass, hardClassesOf } from '../generators/strings.js';
import { SchemaRegistry, schemas } from '../schemas/registry.js';

const reg = schemas();
const MARKER = 'dsc-20261203000000ab-';
const DEFAULT_RUNS = 100; // fast-check's default numRuns

describe('valid bodies', () => {
  it('every generated create body validates and carries the run marker', () => {
    fc.assert(
      fc.property(validCreateBody(reg, MARKER), (b) => {
        expect(reg.check('dataShareOutgoingFlow.create', b)).toEqual([]);
        expect(b.displayName).toMatch(/^dsc-20261203000000ab-/);
        expect(b).not.toHaveProperty('eTag');
        expect(b).not.toHaveProperty('readinessStatus');
        expect(b).not.toHaveProperty('id');
      }),
      { numRuns: 300 },
    );
  });
  it('every generated update and run body validates', () => {
    fc.assert(fc.property(validUpdateBody(reg, MARKER), (b) => reg.check('dataShareOutgoingFlow.update', b).length === 0));
    fc.assert(fc.property(validRunBody(reg, MARKER), (b) => reg.check('run.create', b).length === 0));
  });
  it('inviteeUserIds hold exactly one GUID-shaped directory id', () => {
    fc.assert(fc.property(validCreateBody(reg), (b) => Array.isArray(b.inviteeUserIds) && b.inviteeUserIds.length === 1 && /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(String(b.inviteeUserIds[0]))));
  });
  it('draws inviteeUserIds from the known invitees of the target when given (DR 0016), valid and invalid bodies alike', () => {
    const known = ['5f0c2a3e-9a63-4a8e-9a55-0d6f2b1c7e11', '8a1e7c44-2d5b-4f0e-b7c9-3e6a9d2f1b22'];
    const seen = new Set<string>();
    fc.assert(
      fc.property(validCreateBody(reg, MARKER, { invitees: known }), validUpdateBody(reg, MARKER, { invitees: known }), (c, u) => {
        seen.add(String((c.inviteeUserIds as string[])[0]));
        expect(c.inviteeUserIds).toHaveLength(1);
        expect(known).toContain((c.inviteeUserIds as string[])[0]);
        if (u.inviteeUserIds !== undefined) expect(known).toContain((u.inviteeUserIds as string[])[0]);
      }),
      { numRuns: 100, seed: 7 },
    );
    expect([...seen].sort()).toEqual(known);
    fc.assert(
      fc.property(invalidBody(reg, 'create', MARKER, ['unknown-property', 'over-long-string'], { invitees: known }), (inv) => {
        expect(known).toContain((inv.body.inviteeUserIds as string[])[0]);
      }),
      { numRuns: 50, seed: 7 },
    );
  });
  it('reaches every hard string class within the default number of runs', () => {
    const seen = new Set<HardClass>();
    fc.assert(
      fc.property(validCreateBody(reg), (b) => {
        for (const c of hardClassesOf(String(b.displayName), 100)) seen.add(c);
        for (const c of hardClassesOf(String(b.shareName), 100)) seen.add(c);
      }),
      { numRuns: DEFAULT_RUNS, seed: 20261203 },
    );
    expect([...seen].sort()).toEqual([...Object.keys(HARD_SAMPLES), 'empty', 'maxLength'].sort());
  });
  it('includes server-managed properties only when asked', () => {
    const all = fc.sample(compile(reg, 'dataShareOutgoingFlow.create', { includeServerManaged: true, allOptional: true }), 20);
    for (const b of all) expect(b).toHaveProperty('readinessStatus');
  });
});

describe('invalid families', () => {
  for (const kind of ['create', 'update'] as const) {
    it(`${kind}: each body fails its schema for the labelled reason and no other`, () => {
      fc.assert(
        fc.property(invalidBody(reg, kind, MARKER), (inv) => {
          const issues = reg.check(`dataShareOutgoingFlow.${kind}`, inv.body);
          expect(issues.length, `${inv.label} must be invalid`).toBeGreaterThan(0);
          expect(issues.every((i) => i.path === inv.expect.path), `${inv.label}: ${JSON.stringify(issues)}`).toBe(true);
          expect(issues.map((i) => i.keyword)).toContain(inv.expect.keyword);
        }),
        { numRuns: 400 },
      );
    });
    it(`${kind}: every family is produced`, () => {
      const labels = new Set(fc.sample(invalidBody(reg, kind, MARKER), { numRuns: 400, seed: 7 }).map((i) => i.label));
      expect([...labels].sort()).toEqual([...invalidLabelsFor(kind)].sort());
    });
  }
  it('names ten families', () => {
    expect(INVALID_LABELS).toHaveLength(10);
  });
});

describe('schema compiler', () => {
  it('refuses keywords it does not implement instead of generating wrong data', () => {
    const r = new SchemaRegistry({ 'x.schema.json': { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: 'https://t/x.schema.json', type: 'string', pattern: '^a' } });
    expect(() => compile(r, 'x')).toThrow(UnsupportedSchemaError);
  });
  it('handles nullable type arrays, $ref/allOf and formats', () => {
    fc.assert(fc.property(compile(reg, 'run'), (v) => reg.check('run', { id: 'x', ...v }).length === 0));
  });
});

describe('reproducibility', () => {
  it('a failing property re-run with its reported seed and path yields the same shrunk counterexample', () => {
    const prop = fc.property(validCreateBody(reg, MARKER), (b) => [...String(b.shareName)].length < 12);
    const first = fc.check(prop, { seed: 424242 });
    expect(first.failed).toBe(true);
    const replay = fc.check(prop, { seed: first.seed, path: first.counterexamplePath!, endOnFailure: true });
    expect(replay.failed).toBe(true);
    expect(replay.counterexample).toEqual(first.counterexample);
    const again = fc.check(prop, { seed: 424242 });
    expect(again.counterexample).toEqual(first.counterexample);
  });
});
