/** Run-to-run comparison by check id: a gate that fails only on what got worse. */
import type { Status } from '../checks/types.js';
import type { CheckRecord, ResultsFile } from './results.js';

export type Change = 'regressed' | 'fixed' | 'still-failing' | 'new' | 'removed' | 'unchanged';
export const CHANGES: Change[] = ['regressed', 'fixed', 'still-failing', 'new', 'removed', 'unchanged'];

export interface CompareRow {
  id: string;
  change: Change;
  baseline?: Status;
  current?: Status;
  severity?: string;
  message?: string;
}

const bad = (s?: Status) => s === 'fail' || s === 'error';

function classify(b?: CheckRecord, c?: CheckRecord): Change {
  if (!b) return 'new';
  if (!c) return 'removed';
  if (bad(c.status) && !bad(b.status)) return 'regressed';
  if (!bad(c.status) && bad(b.status)) return 'fixed';
  if (bad(c.status) && bad(b.status)) return 'still-failing';
  return 'unchanged';
}

export function compareResults(baseline: ResultsFile, current: ResultsFile): CompareRow[] {
  const ids = [...new Set([...Object.keys(baseline.checks), ...Object.keys(current.checks)])].sort();
  return ids.map((id) => {
    const b = baseline.checks[id];
    const c = current.checks[id];
    return { id, change: classify(b, c), baseline: b?.status, current: c?.status, severity: (c ?? b)?.severity, message: c && bad(c.status) ? c.message?.split('\n')[0] : undefined };
  });
}

/** A regression of a MUST check (or a new failing MUST check) fails the gate. */
export const regressions = (rows: CompareRow[]) => rows.filter((r) => (r.change === 'regressed' || (r.change === 'new' && bad(r.current))) && r.severity === 'MUST');

export function compareMarkdown(rows: CompareRow[], baseline: ResultsFile, current: ResultsFile): string {
  const count = (c: Change) => rows.filter((r) => r.change === c).length;
  const out = [
    `## Conformance: run ${current.run.runId} against baseline ${baseline.run.runId}`,
    '',
    CHANGES.map((c) => `${c} **${count(c)}**`).join(' · '),
    '',
  ];
  const shown = rows.filter((r) => r.change !== 'unchanged');
  if (shown.length) {
    out.push('| check | change | baseline | current | severity |', '|---|---|---|---|---|');
    for (const r of shown) out.push(`| \`${r.id}\` | ${r.change} | ${r.baseline ?? '—'} | ${r.current ?? '—'} | ${r.severity ?? ''} |`);
  } else out.push('No check changed.');
  return `${out.join('\n')}\n`;
}
