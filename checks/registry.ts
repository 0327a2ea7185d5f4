/** The one list of checks. Duplicate or malformed ids are errors at load time. */
import crud from './crud.js';
import { enums, etag } from './enums-etag.js';
import { auth, errors, model, odata } from './odata-errors-auth.js';
import { fn, runs } from './runs-function.js';
import { AREAS, type Area, type CheckDef } from './types.js';
import validation from './validation.js';

export class CheckRegistryError extends Error {}

const ID = /^[a-z]+(\.[a-z0-9-]+){2,}$/;

export function buildRegistry(defs: CheckDef[]): Map<string, CheckDef> {
  const out = new Map<string, CheckDef>();
  for (const d of defs) {
    if (!ID.test(d.id)) throw new CheckRegistryError(`check id "${d.id}" is not of the form area.subject.rule`);
    if (!AREAS.includes(d.area)) throw new CheckRegistryError(`check ${d.id}: unknown area "${d.area}"`);
    if (out.has(d.id)) throw new CheckRegistryError(`duplicate check id "${d.id}"`);
    out.set(d.id, d);
  }
  return out;
}

export const CHECKS: ReadonlyMap<string, CheckDef> = buildRegistry([...crud, ...validation, ...enums, ...etag, ...runs, ...fn, ...odata, ...errors, ...auth, ...model]);

export const checksIn = (area: Area): CheckDef[] => [...CHECKS.values()].filter((c) => c.area === area);

/** Resolves a --checks selection (ids or area names); unknown names are errors. */
export function selectChecks(names: string[] | undefined): CheckDef[] {
  if (!names?.length) return [...CHECKS.values()];
  const out: CheckDef[] = [];
  for (const n of names) {
    if (CHECKS.has(n)) out.push(CHECKS.get(n)!);
    else if (AREAS.includes(n as Area)) out.push(...checksIn(n as Area));
    else throw new CheckRegistryError(`unknown check or area "${n}"; list them with "datashare-conformance checks"`);
  }
  return [...new Set(out)];
}
