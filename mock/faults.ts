/**
 * Transport faults of the mock (for reliability tests), distinct from defects: they break no contract rule —
 * except flakyDefect, which makes one defect intermittent so that the suite's flakiness classification can be shown.
 */
import { assertKnownDefects } from './defects.js';
export interface Faults {
  /** added delay on every request, ms */
  latencyMs?: number;
  /** every Nth request answers 429 */
  throttleEvery?: number;
  /** Retry-After seconds on 429/503; null sends none */
  retryAfter?: number | null;
  /** every Nth request starts a burst of `unavailableBurst` 503 answers */
  unavailableEvery?: number;
  unavailableBurst?: number;
  /** every Nth request has its connection destroyed without an answer */
  dropEvery?: number;
  /** every Nth JSON answer is cut in the middle */
  truncateEvery?: number;
  /** every Nth request is accepted and never answered */
  hangEvery?: number;
  /** every Nth answer is an HTML error page with status 200 */
  nonJsonEvery?: number;
  /** a defect that shows intermittently: on the 1st, (N+1)th, (2N+1)th... time the mock consults it (flakyEvery) */
  flakyDefect?: string;
  flakyEvery?: number;
}

export const FAULT_KEYS: (keyof Faults)[] = [
  'latencyMs',
  'throttleEvery',
  'retryAfter',
  'unavailableEvery',
  'unavailableBurst',
  'dropEvery',
  'truncateEvery',
  'hangEvery',
  'nonJsonEvery',
  'flakyDefect',
  'flakyEvery',
];

export class FaultSpecError extends Error {}

/** Parses `key=value` items such as `throttleEvery=5` or `retryAfter=none`. */
export function parseFaults(items: string[]): Faults {
  const out: Faults = {};
  for (const item of items) {
    const [k, v] = item.split('=');
    if (!FAULT_KEYS.includes(k as keyof Faults)) throw new FaultSpecError(`unknown fault "${k}"; known: ${FAULT_KEYS.join(', ')}`);
    if (k === 'retryAfter' && v === 'none') {
      out.retryAfter = null;
      continue;
    }
    if (k === 'flakyDefect') {
      assertKnownDefects([v ?? '']);
      out.flakyDefect = v;
      continue;
    }
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new FaultSpecError(`fault "${k}" needs a whole number >= 0, got "${v}"`);
    (out as Record<string, number>)[k] = n;
  }
  return out;
}

export type FaultAction = { kind: 'none' } | { kind: 'status'; status: 429 | 503 } | { kind: 'drop' } | { kind: 'hang' } | { kind: 'nonJson' };

/** Decides, request by request, which fault (if any) applies. */
export class FaultPlan {
  private count = 0;
  private burstLeft = 0;
  constructor(public faults: Faults = {}) {}

  next(): FaultAction {
    this.count += 1;
    const n = this.count;
    const f = this.faults;
    const every = (k: number | undefined) => !!k && k > 0 && n % k === 0;
    if (this.burstLeft > 0) {
      this.burstLeft -= 1;
      return { kind: 'status', status: 503 };
    }
    if (every(f.unavailableEvery)) {
      this.burstLeft = Math.max(0, (f.unavailableBurst ?? 1) - 1);
      return { kind: 'status', status: 503 };
    }
    if (every(f.throttleEvery)) return { kind: 'status', status: 429 };
    if (every(f.dropEvery)) return { kind: 'drop' };
    if (every(f.hangEvery)) return { kind: 'hang' };
    if (every(f.nonJsonEvery)) return { kind: 'nonJson' };
    return { kind: 'none' };
  }

  truncateThis(): boolean {
    return !!this.faults.truncateEvery && this.count % this.faults.truncateEvery === 0;
  }
}
