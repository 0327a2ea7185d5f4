/** Helpers to declare checks: the area comes from the id, writes from the profiles. */
import type { Profile } from '../config/config.js';
import type { Area, CheckDef, Need } from './types.js';

export const ALL: Profile[] = ['full', 'tenant-safe', 'read-only'];
export const WRITE: Profile[] = ['full', 'tenant-safe'];
/** destructive probes (e.g. DELETE on the collection) run against mocks only */
export const FULL: Profile[] = ['full'];

export function check(d: Omit<CheckDef, 'area' | 'needs'> & { needs?: Need[] }): CheckDef {
  const area = d.id.split('.')[0] as Area;
  const needs = new Set<Need>(d.needs ?? []);
  if (!d.profiles.includes('read-only')) needs.add('writes');
  return { ...d, area, needs: [...needs] };
}
