/**
 * Append-only ledger of what a run creates, written before the create call returns to the check,
 * so that an interrupted or killed run can be swept. One JSON object per line.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { redactValue } from './redact.js';

export type LedgerEntry =
  | { op: 'intent'; runId: string; marker: string; at: string }
  | { op: 'created'; runId: string; url: string; id: string; displayName: string; at: string }
  | { op: 'deleted'; runId: string; url: string; at: string };

export const runMarker = (runId: string) => `dsc-${runId}-`;

export class Ledger {
  readonly file: string;
  constructor(
    reportDir: string,
    readonly runId: string,
  ) {
    mkdirSync(reportDir, { recursive: true });
    this.file = path.join(reportDir, `ledger-${runId}.jsonl`);
  }

  private append(e: LedgerEntry): void {
    appendFileSync(this.file, `${JSON.stringify(redactValue(e))}\n`);
  }
  intent(marker: string): void {
    this.append({ op: 'intent', runId: this.runId, marker, at: new Date().toISOString() });
  }
  created(url: string, id: string, displayName: string): void {
    this.append({ op: 'created', runId: this.runId, url, id, displayName, at: new Date().toISOString() });
  }
  deleted(url: string): void {
    this.append({ op: 'deleted', runId: this.runId, url, at: new Date().toISOString() });
  }
  /** The ledger's size: it moves whenever any worker of this run creates or deletes (to tell a quiet window). */
  mark(): number {
    return existsSync(this.file) ? statSync(this.file).size : 0;
  }
  outstanding(): Extract<LedgerEntry, { op: 'created' }>[] {
    return outstandingIn(readLedger(this.file));
  }
}

export class LedgerError extends Error {
  readonly harness = true;
}

export function readLedger(file: string): LedgerEntry[] {
  if (!existsSync(file)) return [];
  const out: LedgerEntry[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line));
    } catch {
      // a run killed mid-write leaves a partial last line: only that one may be skipped
      if (i < lines.length - 2) throw new LedgerError(`ledger ${file} line ${i + 1} is not JSON`);
    }
  });
  return out;
}

/** Created and not deleted, newest first (reverse order for deletion). */
export function outstandingIn(entries: LedgerEntry[]): Extract<LedgerEntry, { op: 'created' }>[] {
  const deleted = new Set(entries.filter((e) => e.op === 'deleted').map((e) => (e as { url: string }).url));
  return entries.filter((e): e is Extract<LedgerEntry, { op: 'created' }> => e.op === 'created' && !deleted.has(e.url)).reverse();
}

export function ledgerFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^ledger-.+\.jsonl$/.test(f))
    .map((f) => path.join(dir, f));
}
