/** Runs every check against the clean mock, each defect and each allowed behaviour, in process. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHECKS } from '../checks/registry.js';
import { createEnv, runCheck } from '../checks/runner.js';
import type { CheckResult } from '../checks/types.js';
import { loadConfig } from '../config/config.js';
import { BEHAVIOURS, DEFECTS } from '../mock/defects.js';
import { startMock } from '../mock/server.js';
import { OWNERS } from './owners.js';

export interface Variant {
  kind: 'clean' | 'defect' | 'behaviour';
  name: string;
  results: Map<string, CheckResult>;
  /** entities the run left in the mock (should be 0 unless the defect itself prevents deletion) */
  leftovers: number;
}

const TOKEN = 'dsc-selfcheck-token';

export async function runVariant(kind: Variant['kind'], name: string, opts: { defects?: string[]; behaviours?: string[]; seed?: number; numRuns?: number }): Promise<Variant> {
  const mock = await startMock({ token: TOKEN, defects: opts.defects, behaviours: opts.behaviours });
  try {
    const reportDir = mkdtempSync(path.join(tmpdir(), 'dsc-selfcheck-'));
    const cfg = loadConfig({ baseUrl: mock.baseUrl, token: TOKEN, reportDir, seed: String(opts.seed ?? 1), numRuns: String(opts.numRuns ?? 10) }, {});
    const env = createEnv(cfg, mock.baseUrl);
    const results = new Map<string, CheckResult>();
    for (const def of CHECKS.values()) results.set(def.id, await runCheck(def, env));
    return { kind, name, results, leftovers: mock.store.flows.size };
  } finally {
    await mock.close();
  }
}

export interface KillMatrix {
  clean: Variant;
  defects: Variant[];
  behaviours: Variant[];
  /** problems found: an empty list means the suite is proven against the mock */
  problems: string[];
}

export async function killMatrix(opts: { seed?: number; numRuns?: number; onVariant?: (v: Variant) => void } = {}): Promise<KillMatrix> {
  const clean = await runVariant('clean', 'clean', opts);
  opts.onVariant?.(clean);
  const defects: Variant[] = [];
  for (const d of DEFECTS) {
    const v = await runVariant('defect', d.id, { ...opts, defects: [d.id] });
    defects.push(v);
    opts.onVariant?.(v);
  }
  const behaviours: Variant[] = [];
  for (const b of Object.keys(BEHAVIOURS)) {
    const v = await runVariant('behaviour', b, { ...opts, behaviours: [b] });
    behaviours.push(v);
    opts.onVariant?.(v);
  }
  const problems: string[] = [];
  for (const [id, r] of clean.results) if (r.status !== 'pass') problems.push(`clean mock: ${id} is ${r.status}: ${(r.message ?? '').split('\n')[0]}`);
  if (clean.leftovers) problems.push(`clean mock: ${clean.leftovers} entities left behind`);
  for (const v of defects) {
    const owner = OWNERS[v.name];
    if (!owner) problems.push(`defect ${v.name} has no owning check in selfcheck/owners.ts`);
    else if (v.results.get(owner)?.status !== 'fail') problems.push(`defect ${v.name}: owner ${owner} is ${v.results.get(owner)?.status}, expected fail`);
  }
  for (const id of CHECKS.keys()) {
    if (!defects.some((v) => v.results.get(id)?.status === 'fail')) problems.push(`check ${id} is killed by no defect`);
  }
  for (const o of Object.values(OWNERS)) if (!CHECKS.has(o)) problems.push(`owners.ts names unknown check ${o}`);
  // a SHOULD defect is a behaviour the MUST rules allow: it may fail only SHOULD/MAY checks
  const sev = new Map(DEFECTS.map((d) => [d.id, d.severity]));
  for (const v of defects.filter((x) => sev.get(x.name) === 'SHOULD')) {
    for (const [id, r] of v.results) if (r.status === 'error' || (r.status === 'fail' && r.severity === 'MUST')) problems.push(`SHOULD defect ${v.name}: MUST check ${id} is ${r.status}: ${(r.message ?? '').split('\n')[0]}`);
  }
  for (const v of behaviours) {
    for (const [id, r] of v.results) {
      if (r.status === 'error' || (r.status === 'fail' && r.severity === 'MUST')) problems.push(`allowed behaviour ${v.name}: ${id} is ${r.status}: ${(r.message ?? '').split('\n')[0]}`);
    }
  }
  return { clean, defects, behaviours, problems };
}

/** The defect x check matrix as text: one row a defect, the checks it fails (owner marked *). */
export function formatKillMatrix(m: KillMatrix): string {
  const lines = [`clean mock: ${[...m.clean.results.values()].filter((r) => r.status === 'pass').length}/${m.clean.results.size} checks pass`, ''];
  const sev = new Map(DEFECTS.map((d) => [d.id, d.severity]));
  for (const v of m.defects) {
    const failed = [...v.results.values()].filter((r) => r.status === 'fail').map((r) => (r.id === OWNERS[v.name] ? `*${r.id}` : r.id));
    lines.push(`${v.name.padEnd(34)} ${String(sev.get(v.name)).padEnd(7)} ${failed.length ? failed.join(', ') : 'NOT KILLED'}`);
  }
  lines.push('');
  for (const v of m.behaviours) {
    const bad = [...v.results.values()].filter((r) => r.status === 'fail' || r.status === 'error');
    const unsup = [...v.results.values()].filter((r) => r.status === 'unsupported').map((r) => r.id);
    lines.push(`behaviour ${v.name.padEnd(26)} ${bad.length ? `FAILS ${bad.map((r) => `${r.id}(${r.severity})`).join(', ')}` : 'accepted'}${unsup.length ? `; unsupported: ${unsup.join(', ')}` : ''}`);
  }
  const killers = new Map<string, number>();
  for (const v of m.defects) for (const r of v.results.values()) if (r.status === 'fail') killers.set(r.id, (killers.get(r.id) ?? 0) + 1);
  lines.push('', `${m.defects.length} defects, ${m.defects.filter((v) => v.results.get(OWNERS[v.name])?.status === 'fail').length} killed by their owning check; ${killers.size}/${m.clean.results.size} checks kill at least one defect`);
  lines.push(m.problems.length ? `PROBLEMS:\n${m.problems.map((p) => `  ${p}`).join('\n')}` : 'no problems');
  return lines.join('\n');
}
