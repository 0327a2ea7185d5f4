/** In-memory state of the reference mock: flows with their runs, in creation order. */
import { randomUUID } from 'node:crypto';

export interface Flow {
  id: string;
  eTag: string;
  displayName: string;
  readinessStatus: string;
  inviteeUserIds: string[];
  sharingState: string;
  shareName: string;
  /** creation sequence: the stable order of the collection */
  seq: number;
  createdAt: number;
}

export interface Run {
  id: string;
  flowId: string;
  displayName: string;
  startDateTime: string;
  endDateTime: string | null;
  status: string;
  blockingError: unknown;
  statistics: unknown;
  seq: number;
}

/** A map that counts its changes, so the ordered list is rebuilt only after a write (paging stays linear). */
class VersionedMap<K, V> extends Map<K, V> {
  version = 0;
  override set(k: K, v: V): this {
    this.version += 1;
    return super.set(k, v);
  }
  override delete(k: K): boolean {
    this.version += 1;
    return super.delete(k);
  }
  override clear(): void {
    this.version += 1;
    super.clear();
  }
}

export class Store {
  flows = new VersionedMap<string, Flow>();
  private ordered: { version: number; list: Flow[] } = { version: -1, list: [] };
  runs: Run[] = [];
  private seq = 0;
  private version = 0;

  reset(): void {
    this.flows.clear();
    this.runs = [];
    this.seq = 0;
  }

  nextETag(): string {
    this.version += 1;
    return `W/"${this.version.toString(36)}-${randomUUID().slice(0, 8)}"`;
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  /** The flows in creation order; the array is shared until the next write, callers must not change it. */
  list(): Flow[] {
    const version = this.flows.version;
    if (this.ordered.version !== version) this.ordered = { version, list: [...this.flows.values()].sort((a, b) => a.seq - b.seq) };
    return this.ordered.list;
  }

  runsOf(flowId: string): Run[] {
    return this.runs.filter((r) => r.flowId === flowId).sort((a, b) => a.startDateTime.localeCompare(b.startDateTime) || a.seq - b.seq);
  }

  deleteFlow(id: string): void {
    this.flows.delete(id);
    this.runs = this.runs.filter((r) => r.flowId !== id);
  }
}
