/** File-level operations behind `schemas extract` and `schemas check`. */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchemas, loadOverrides, readDocs, serialize } from './build.js';

export function extractTo(docs: string, outDir: string): string[] {
  const built = buildSchemas(readDocs(docs), loadOverrides());
  mkdirSync(outDir, { recursive: true });
  for (const [name, schema] of Object.entries(built)) writeFileSync(path.join(outDir, name), serialize(schema));
  return Object.keys(built);
}

export interface Drift {
  file: string;
  pointer: string;
  committed: unknown;
  regenerated: unknown;
}

/** Compares regenerated schemas with the committed ones, JSON pointer by JSON pointer. */
export function checkDrift(docs: string, dir: string): Drift[] {
  const built = buildSchemas(readDocs(docs), loadOverrides());
  const committedFiles = readdirSync(dir).filter((n) => n.endsWith('.schema.json'));
  const drifts: Drift[] = [];
  for (const f of new Set([...Object.keys(built), ...committedFiles])) {
    const committed = committedFiles.includes(f) ? JSON.parse(readFileSync(path.join(dir, f), 'utf8')) : undefined;
    diff(f, '', committed, built[f], drifts);
  }
  return drifts;
}

function diff(file: string, ptr: string, a: unknown, b: unknown, out: Drift[]): void {
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) diff(file, `${ptr}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, (a as any)[k], (b as any)[k], out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ file, pointer: ptr || '/', committed: a, regenerated: b });
}

export function formatDrift(d: Drift[]): string {
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  return d.map((x) => `  ${x.file} ${x.pointer}\n    committed:   ${show(x.committed)}\n    from docs:   ${show(x.regenerated)}`).join('\n');
}
