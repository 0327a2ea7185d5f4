/** What a check is, what it gets to work with, and how it ends. */
import type fc from 'fast-check';
import type { Profile } from '../config/config.js';
import type { SchemaRegistry } from '../schemas/registry.js';
import type { Exchange } from '../target/exchange.js';
import type { HttpResponse } from '../target/http.js';
import type { FlowApi } from '../target/resource.js';

export type Severity = 'MUST' | 'SHOULD' | 'MAY';
export type Area = 'crud' | 'validation' | 'enums' | 'etag' | 'runs' | 'function' | 'odata' | 'errors' | 'auth' | 'model';
export const AREAS: Area[] = ['crud', 'validation', 'enums', 'etag', 'runs', 'function', 'odata', 'errors', 'auth', 'model'];
export type Status = 'pass' | 'fail' | 'error' | 'skipped' | 'unsupported';

/** Needs that decide whether a check can run at all. */
export type Need = 'writes' | 'token';

export interface CheckDef {
  /** stable id, `<area>.<subject>.<rule>`, used in results, Allure, expectations and diffs */
  id: string;
  area: Area;
  /** a fact: what a conformant target does */
  title: string;
  severity: Severity;
  /** the rule and where it comes from (doc page, OData section, guideline, decision record) */
  rule: string;
  needs: Need[];
  /** profiles the check may run in; writes imply not read-only */
  profiles: Profile[];
  /** generated input: the check uses ctx.property */
  generated?: boolean;
  run(ctx: CheckContext): Promise<void>;
}

export interface RunSettings {
  seed: number;
  numRuns: number;
  /** fast-check path to replay a counterexample */
  replayPath?: string;
  runId: string;
  profile: Profile;
  /** true when the harness sends credentials (auth checks then expect the target to enforce them) */
  authConfigured: boolean;
}

export interface Created {
  id: string;
  entity: any;
  res: HttpResponse;
  /** the body that was sent */
  body: Record<string, unknown>;
}

export interface CheckContext {
  def: CheckDef;
  api: FlowApi;
  reg: SchemaRegistry;
  settings: RunSettings;
  caps: Capabilities;
  /** a displayName that carries the run marker */
  name(suffix?: string): string;
  marker: string;
  /** a valid, run-marked create body with what the target requires (forCreate), and overrides */
  validBody(overrides?: Record<string, unknown>): Record<string, unknown>;
  /** the body plus what the target requires on create beyond the schema: server state (DR 0004), @odata.type (DR 0019) */
  forCreate(body: Record<string, unknown>): Record<string, unknown>;
  /** creates a flow (run-marked, ledgered, cleaned up when the check ends) and checks the 201 */
  newFlow(extra?: Record<string, unknown>): Promise<Created>;
  /** runs a property with the run's seed; a counterexample fails with { seed, path } */
  property<T>(arb: fc.Arbitrary<T>, predicate: (v: T) => Promise<void>, opts?: { numRuns?: number }): Promise<void>;
  /** ids for inviteeUserIds: configured, offered by getPotentialDataShareInvitees, or a fixed GUID (DR 0016) */
  readonly invitees: InviteePool;
  /** declares the check cannot apply to this target, as the docs allow */
  unsupported(capability: string, reason: string): never;
  /** a note that goes into the result (e.g. which allowed behaviour was met) */
  note(text: string): void;
}

export interface InviteePool {
  ids: string[];
  /** config: --invitee-ids; function: what getPotentialDataShareInvitees offered; none: nothing known (a fixed GUID) */
  source: 'config' | 'function' | 'none';
}

export interface Capabilities {
  /** the invitee ids to send (DR 0016); probed once */
  invitees(ctx: CheckContext): Promise<InviteePool>;
  /** what the target requires on a create beyond the schema's required members (DR 0004, DR 0019); probed once */
  createExtras(ctx: CheckContext): Promise<Record<string, unknown>>;
  /** can runs be added (DR 0006)? undefined until probed */
  runsAdd(ctx: CheckContext): Promise<boolean>;
  /** is the query option supported (DR 0011)? */
  query(ctx: CheckContext, option: '$top' | '$select' | '$filter' | '$count'): Promise<boolean>;
}

export interface CheckResult {
  id: string;
  area: Area;
  title: string;
  severity: Severity;
  rule: string;
  status: Status;
  durationMs: number;
  /** failure or error message, a reproduction */
  message?: string;
  notes?: string[];
  seed?: number;
  path?: string;
  replay?: string;
  requestIds?: string[];
  exchanges: Exchange[];
  /** deterministic | intermittent, when a failed check was re-run */
  flakiness?: 'deterministic' | 'intermittent';
  /** transport figures of this check: requests sent, 429/503 retries, time spent waiting for Retry-After */
  http?: { requests: number; retries: number; waitedMs: number };
}
