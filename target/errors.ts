/** Harness errors: the harness or the environment failed, not the target's conformance (DR 0013). */
export type HarnessErrorKind = 'auth' | 'network' | 'timeout' | 'throttled' | 'budget' | 'cleanup' | 'config' | 'interrupted' | 'unstable';

export class HarnessError extends Error {
  readonly harness = true;
  constructor(
    public kind: HarnessErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'HarnessError';
  }
}

export const isHarnessError = (e: unknown): e is HarnessError => e instanceof Error && (e as { harness?: unknown }).harness === true;

/** The target broke a rule: the message is a reproduction (received vs expected, request id, curl). */
export class ConformanceFailure extends Error {
  readonly conformance = true;
  constructor(
    message: string,
    public details: { received?: unknown; expected?: unknown; exchanges?: import('./exchange.js').Exchange[]; seed?: number; path?: string } = {},
  ) {
    super(message);
    this.name = 'ConformanceFailure';
  }
}

/** An optional capability the target lacks, as the docs allow: dependent checks are skipped. */
export class Unsupported extends Error {
  readonly unsupported = true;
  constructor(
    public capability: string,
    message: string,
  ) {
    super(message);
    this.name = 'Unsupported';
  }
}

export const isConformanceFailure = (e: unknown): e is ConformanceFailure => e instanceof Error && (e as { conformance?: unknown }).conformance === true;
export const isUnsupported = (e: unknown): e is Unsupported => e instanceof Error && (e as { unsupported?: unknown }).unsupported === true;
