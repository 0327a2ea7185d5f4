/** Human summaries of a results file: the terminal table and summary.md (Markdown, for CI step summaries). */
import { AREAS, type Status } from '../checks/types.js';
import { type CheckRecord, counts, type ResultsFile } from './results.js';

const COLS: Status[] = ['pass', 'fail', 'error', 'skipped', 'unsupported'];

function byArea(checks: Record<string, CheckRecord>) {
  return AREAS.map((a) => {
    const inArea = Object.fromEntries(Object.entries(checks).filter(([, c]) => c.area === a));
    return { area: a, c: counts(inArea), n: Object.keys(inArea).length };
  }).filter((r) => r.n > 0);
}

const firstLine = (s?: string) => (s ?? '').split('\n')[0].slice(0, 160);

export function terminalTable(res: ResultsFile): string {
  const rows = byArea(res.checks);
  const head = `${'area'.padEnd(12)}${COLS.map((c) => c.padStart(12)).join('')}`;
  const lines = [head, '-'.repeat(head.length)];
  for (const r of rows) lines.push(`${r.area.padEnd(12)}${COLS.map((c) => String(r.c[c]).padStart(12)).join('')}`);
  const t = counts(res.checks);
  lines.push('-'.repeat(head.length), `${'total'.padEnd(12)}${COLS.map((c) => String(t[c]).padStart(12)).join('')}`);
  const bad = Object.values(res.checks).filter((c) => c.status === 'fail' || c.status === 'error');
  if (bad.length) {
    lines.push('');
    for (const c of bad) lines.push(`${c.status.toUpperCase()} [${c.severity}]${c.expected ? ' (expected)' : ''} ${c.id}: ${firstLine(c.message)}`);
  }
  return lines.join('\n');
}

export function summaryMarkdown(res: ResultsFile, verdict: string): string {
  const out = [`## datashare-conformance: ${verdict}`, '', `Target \`${res.run.target}\`, profile \`${res.run.profile}\`, seed \`${res.run.seed}\`, run \`${res.run.runId}\`.`, ''];
  out.push(`| area | ${COLS.join(' | ')} |`, `|---|${COLS.map(() => '---:').join('|')}|`);
  for (const r of byArea(res.checks)) out.push(`| ${r.area} | ${COLS.map((c) => r.c[c]).join(' | ')} |`);
  const t = counts(res.checks);
  out.push(`| **total** | ${COLS.map((c) => `**${t[c]}**`).join(' | ')} |`);
  const bad = Object.values(res.checks).filter((c) => c.status === 'fail' || c.status === 'error');
  if (bad.length) {
    out.push('', '| status | severity | check | message |', '|---|---|---|---|');
    for (const c of bad) out.push(`| ${c.status}${c.expected ? ' (expected)' : ''} | ${c.severity} | \`${c.id}\` | ${firstLine(c.message).replace(/\|/g, '\\|')} |`);
  }
  return `${out.join('\n')}\n`;
}
