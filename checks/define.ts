/** Helpers to declare checks: the area comes from the id, writes from the profiles. */
import type { Profile } from '../config/config.js';
import type { BodyOptions } from '../generators/bodies.js';
import { entityOf } from '../target/expect.js';
import type { HttpResponse } from '../target/http.js';
import { createdIdOf } from '../target/resource.js';
import type { Area, CheckContext, CheckDef, Need } from './types.js';

export const ALL: Profile[] = ['full', 'tenant-safe', 'read-only'];
export const WRITE: Profile[] = ['full', 'tenant-safe'];
/** destructive probes (e.g. DELETE on the collection) run against mocks only */
export const FULL: Profile[] = ['full'];

/** readinessStatus and sharingState: the service's own state, which it may ignore in request bodies (DR 0004) */
export const SERVER_STATE_PROPS = ['readinessStatus', 'sharingState'] as const;

/**
 * Whether a write that should have been refused for a bad `prop` value was instead accepted (`res` is 2xx) with that
 * value ignored, as DR 0004 allows for server state: the stored value is not the one sent. Reads the entity to tell;
 * `id` defaults to the one a create answer names.
 */
export async function ignoredServerState(ctx: CheckContext, res: HttpResponse, prop: string, sent: unknown, id = createdIdOf(res)): Promise<boolean> {
  if (res.status < 200 || res.status >= 300 || !id || !(SERVER_STATE_PROPS as readonly string[]).includes(prop)) return false;
  const g = await ctx.api.get(id);
  if (g.status !== 200) return false;
  const stored = entityOf(g)?.[prop];
  if (JSON.stringify(stored) === JSON.stringify(sent)) return false;
  ctx.note(`${prop}: ${JSON.stringify(sent)} was accepted and ignored (stored ${JSON.stringify(stored)}): server state, DR 0004`);
  return true;
}

/** Generator options for this target: invitees it offered or was configured with; generated GUIDs when none (DR 0016). */
export const bodyOptions = (ctx: CheckContext): BodyOptions => (ctx.invitees.source === 'none' ? {} : { invitees: ctx.invitees.ids });

export function check(d: Omit<CheckDef, 'area' | 'needs'> & { needs?: Need[] }): CheckDef {
  const area = d.id.split('.')[0] as Area;
  const needs = new Set<Need>(d.needs ?? []);
  if (!d.profiles.includes('read-only')) needs.add('writes');
  return { ...d, area, needs: [...needs] };
}

/**
 * Runs a collection-wide assertion up to three times: other checks of the same run (and other clients of a tenant)
 * change the collection while pages are read, which can shift offset-based pages. A real paging defect repeats;
 * a concurrent change does not. The note says when a retry was needed.
 */
export async function whenQuiescent(ctx: { note(t: string): void }, body: () => Promise<void>, attempts = 3): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await body();
      if (i > 1) ctx.note(`passed on attempt ${i}: the collection changed while it was paged`);
      return;
    } catch (e) {
      if (i >= attempts || !(e as { conformance?: boolean }).conformance) throw e;
    }
  }
}
