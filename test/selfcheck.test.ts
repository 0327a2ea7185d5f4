/** Every check is proven: the clean mock passes all, each defect is caught by the check owning its rule. */
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../checks/registry.js';
import { DEFECTS } from '../mock/defects.js';
import { type KillMatrix, formatKillMatrix, killMatrix } from '../selfcheck/kill-matrix.js';
import { OWNERS } from '../selfcheck/owners.js';

let m: KillMatrix;
beforeAll(async () => {
  m = await killMatrix({ seed: 11, numRuns: 8 });
}, 300_000);

describe('kill matrix against the reference mock', () => {
  it('the clean mock passes every check and keeps nothing', () => {
    const notPassing = [...m.clean.results.values()].filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.status} ${r.message}`);
    expect(notPassing).toEqual([]);
    expect(m.clean.leftovers).toBe(0);
  });
  it.each(DEFECTS.map((d) => [d.id, OWNERS[d.id]]))('defect %s is caught by %s', (defect, owner) => {
    const v = m.defects.find((x) => x.name === defect)!;
    expect(v.results.get(owner)?.status, v.results.get(owner)?.message).toBe('fail');
  });
  it('every check id is killed by at least one defect', () => {
    const killed = new Set(m.defects.flatMap((v) => [...v.results.values()].filter((r) => r.status === 'fail').map((r) => r.id)));
    expect([...CHECKS.keys()].filter((id) => !killed.has(id))).toEqual([]);
  });
  it('no MUST check fails against any allowed alternative behaviour', () => {
    const bad = m.behaviours.flatMap((v) => [...v.results.values()].filter((r) => r.status === 'error' || (r.status === 'fail' && r.severity === 'MUST')).map((r) => `${v.name}: ${r.id}`));
    expect(bad).toEqual([]);
  });
  it('has no problems and prints the matrix', () => {
    expect(m.problems).toEqual([]);
    expect(formatKillMatrix(m)).toMatch(new RegExp(`${DEFECTS.length} defects, ${DEFECTS.length} killed by their owning check`));
  });
});
