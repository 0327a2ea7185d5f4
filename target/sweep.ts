/**
 * Removes what runs left behind: the outstanding entries of ledgers, and (only when asked) entities whose
 * displayName carries a given run's marker. It lists before it deletes and never touches anything else.
 */
import { readLedger, outstandingIn, runMarker } from './ledger.js';
import type { FlowApi } from './resource.js';
import { appendFileSync } from 'node:fs';

export interface SweepPlanItem {
  url: string;
  id: string;
  displayName: string;
  source: string;
}

export interface SweepReport {
  planned: SweepPlanItem[];
  deleted: number;
  alreadyGone: number;
  refused: string[];
  failures: string[];
}

export interface SweepOptions {
  ledgers: string[];
  /** also delete entities named with these runs' markers (found by listing) */
  markerRunIds?: string[];
  dryRun?: boolean;
  log?: (line: string) => void;
}

export async function sweep(api: FlowApi, opts: SweepOptions): Promise<SweepReport> {
  const log = opts.log ?? (() => {});
  const planned: SweepPlanItem[] = [];
  const refused: string[] = [];
  const markerRunIds = new Set(opts.markerRunIds ?? []);
  for (const file of opts.ledgers) {
    const entries = readLedger(file);
    for (const e of outstandingIn(entries)) planned.push({ url: e.url, id: e.id, displayName: e.displayName, source: file });
    // a create whose answer never reached the ledger (killed in flight, or refused yet stored) is found by its run's marker
    const intents = entries.filter((e) => e.op === 'intent');
    const created = entries.filter((e) => e.op === 'created');
    if (intents.length > created.length && intents[0]) markerRunIds.add(intents[0].runId);
  }
  if (markerRunIds.size) {
    // persistent traffic is outside the request budget: a bound on pages keeps a runaway nextLink chain finite
    const pages = await api.listAll('', 10_000, { persistent: true });
    for (const p of pages) {
      if (p.status !== 200) throw new Error(`listing ${api.collectionUrl} for markers answered ${p.status}`);
      for (const e of p.json?.value ?? []) {
        const name = typeof e?.displayName === 'string' ? e.displayName : '';
        const run = [...markerRunIds].find((r) => name.startsWith(runMarker(r)));
        if (run && typeof e.id === 'string' && !planned.some((x) => x.id === e.id)) planned.push({ url: api.itemUrl(e.id), id: e.id, displayName: name, source: `marker ${runMarker(run)}` });
      }
    }
  }
  log(`sweep: ${planned.length} leftover(s)${planned.length ? ':' : ''}`);
  for (const p of planned) log(`  ${p.url}  "${p.displayName}"  (${p.source})`);
  const report: SweepReport = { planned, deleted: 0, alreadyGone: 0, refused, failures: [] };
  if (opts.dryRun) return report;
  for (const p of planned) {
    try {
      const g = await api.request(p.url, { persistent: true });
      if (g.status === 404) {
        report.alreadyGone += 1;
        markDeleted(p);
        continue;
      }
      const name = g.json?.displayName ?? g.json?.value?.displayName;
      // the entity must still carry a dsc marker: an id reused for something else is never touched
      if (g.status !== 200 || typeof name !== 'string' || !name.startsWith('dsc-')) {
        refused.push(`${p.url}: answered ${g.status} with displayName ${JSON.stringify(name)}; not a dsc resource, left alone`);
        continue;
      }
      const d = await api.request(p.url, { method: 'DELETE', persistent: true });
      if (d.status === 404) report.alreadyGone += 1;
      else if (d.status >= 200 && d.status < 300) report.deleted += 1;
      else {
        report.failures.push(`DELETE ${p.url} answered ${d.status}`);
        continue;
      }
      markDeleted(p);
    } catch (e) {
      report.failures.push(`${p.url}: ${(e as Error).message}`);
    }
  }
  log(`sweep: deleted ${report.deleted}, already gone ${report.alreadyGone}, refused ${refused.length}, failed ${report.failures.length}`);
  return report;
}

function markDeleted(p: SweepPlanItem): void {
  if (p.source.startsWith('marker ')) return;
  appendFileSync(p.source, `${JSON.stringify({ op: 'deleted', runId: 'sweep', url: p.url, at: new Date().toISOString() })}\n`);
}
