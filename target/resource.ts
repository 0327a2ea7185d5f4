/** Typed access to the resource under test; every write is ledgered and tracked for cleanup. */
import { HarnessError } from './errors.js';
import type { HttpClient, HttpResponse, RequestInit } from './http.js';
import type { Ledger } from './ledger.js';

export interface Tracked {
  url: string;
  id: string;
}

/** What one check created, deleted in reverse order when the check ends. */
export class Tracker {
  readonly items: Tracked[] = [];
  add(t: Tracked): void {
    this.items.push(t);
  }
  forget(url: string): void {
    const i = this.items.findIndex((t) => t.url === url);
    if (i >= 0) this.items.splice(i, 1);
  }
}

export interface CleanupReport {
  deleted: number;
  alreadyGone: number;
  failures: string[];
}

export class FlowApi {
  readonly collectionUrl: string;

  constructor(
    readonly http: HttpClient,
    baseUrl: string,
    collectionPath: string,
    readonly ledger: Ledger,
    readonly tracker: Tracker = new Tracker(),
  ) {
    this.collectionUrl = `${baseUrl.replace(/\/+$/, '')}${collectionPath}`;
  }

  /** A new API sharing the client and ledger with its own tracker (one per check). */
  scoped(): FlowApi {
    const api = Object.create(FlowApi.prototype) as FlowApi;
    Object.assign(api, this, { tracker: new Tracker() });
    return api;
  }

  itemUrl(id: string): string {
    return `${this.collectionUrl}/${encodeURIComponent(id)}`;
  }

  request(url: string, init?: RequestInit): Promise<HttpResponse> {
    return this.http.request(url, init);
  }

  list(query = '', init?: RequestInit): Promise<HttpResponse> {
    return this.http.request(`${this.collectionUrl}${query}`, init);
  }

  /** Follows @odata.nextLink until absent; a loop ends it, the request budget bounds it; returns every page. */
  async listAll(query = '', maxPages = Number.POSITIVE_INFINITY, init?: RequestInit): Promise<HttpResponse[]> {
    const pages: HttpResponse[] = [];
    let url: string | undefined = `${this.collectionUrl}${query}`;
    const seen = new Set<string>();
    while (url && pages.length < maxPages) {
      if (seen.has(url)) break; // a nextLink loop: reported by the paging check
      seen.add(url);
      const r = await this.http.request(url, init);
      pages.push(r);
      const next = r.status === 200 ? r.json?.['@odata.nextLink'] : undefined;
      url = typeof next === 'string' ? next : undefined;
    }
    return pages;
  }

  /**
   * POST to the collection. The displayName must carry the run marker; the created entity is ledgered
   * before this returns and tracked for cleanup.
   */
  async create(body: unknown, init: RequestInit = {}): Promise<HttpResponse> {
    const displayName = (body as { displayName?: unknown })?.displayName;
    this.ledger.intent(typeof displayName === 'string' ? displayName : '(none)');
    const r = await this.http.request(this.collectionUrl, { method: 'POST', json: body, ...init });
    this.noteCreated(r, typeof displayName === 'string' ? displayName : '');
    return r;
  }

  /** Records a 2xx create answer in the ledger and the tracker. */
  noteCreated(r: HttpResponse, displayName: string): Tracked | undefined {
    if (r.status < 200 || r.status >= 300) return undefined;
    const id = createdIdOf(r);
    const url = id ? this.itemUrl(id) : (r.headers.location ?? r.headers['odata-entityid']);
    if (!url) return undefined;
    const t = { url, id: id ?? url };
    this.ledger.created(url, t.id, displayName);
    this.tracker.add(t);
    return t;
  }

  /** Takes responsibility for an entity the target created unasked (ledgered, cleaned up). */
  adopt(id: string): void {
    const url = this.itemUrl(id);
    if (this.tracker.items.some((t) => t.url === url)) return;
    this.ledger.created(url, id, '');
    this.tracker.add({ url, id });
  }

  get(id: string, init?: RequestInit & { query?: string }): Promise<HttpResponse> {
    return this.http.request(`${this.itemUrl(id)}${init?.query ?? ''}`, init);
  }

  patch(id: string, body: unknown, init: RequestInit = {}): Promise<HttpResponse> {
    return this.http.request(this.itemUrl(id), { method: 'PATCH', json: body, ...init });
  }

  async delete(id: string, init: RequestInit = {}): Promise<HttpResponse> {
    const url = this.itemUrl(id);
    const r = await this.http.request(url, { method: 'DELETE', ...init });
    const mine = this.tracker.items.some((t) => t.url === url);
    if (mine && ((r.status >= 200 && r.status < 300) || r.status === 404)) {
      this.ledger.deleted(url);
      this.tracker.forget(url);
    }
    return r;
  }

  /**
   * Whether a 409 answer to a write can be put down to shareName uniqueness (DR 0018): another listed entity holds
   * that shareName (compared trimmed and case-insensitively, so every way a service may compare passes).
   */
  async shareNameTaken(res: HttpResponse, shareName: unknown, exceptId?: string): Promise<boolean> {
    if (res.status !== 409 || typeof shareName !== 'string') return false;
    const norm = (s: unknown) => (typeof s === 'string' ? s.trim().toLowerCase() : s);
    for (const p of await this.listAll()) {
      if (p.status !== 200) return false;
      for (const e of p.json?.value ?? []) if (e?.id !== exceptId && norm(e?.shareName) === norm(shareName)) return true;
    }
    return false;
  }

  runsUrl(id: string): string {
    return `${this.itemUrl(id)}/runs`;
  }

  invitees(form: 'unqualified' | 'qualified' = 'unqualified', init?: RequestInit): Promise<HttpResponse> {
    const seg = form === 'qualified' ? 'microsoft.graph.industryData.getPotentialDataShareInvitees()' : 'getPotentialDataShareInvitees';
    return this.http.request(`${this.collectionUrl}/${seg}`, init);
  }

  /**
   * Deletes what this tracker holds, newest first; 404 counts as already gone; other answers are reported,
   * never thrown, so one failure does not stop the rest.
   */
  async cleanup(): Promise<CleanupReport> {
    const report: CleanupReport = { deleted: 0, alreadyGone: 0, failures: [] };
    for (const t of [...this.tracker.items].reverse()) {
      try {
        const r = await this.http.request(t.url, { method: 'DELETE', persistent: true });
        if (r.status === 404) report.alreadyGone += 1;
        else if (r.status >= 200 && r.status < 300) report.deleted += 1;
        else {
          report.failures.push(`DELETE ${t.url} answered ${r.status}`);
          continue;
        }
        this.ledger.deleted(t.url);
        this.tracker.forget(t.url);
      } catch (e) {
        report.failures.push(`DELETE ${t.url}: ${(e as Error).message}`);
      }
    }
    return report;
  }
}

/**
 * Whether a listing with `$top=top` came back as the allowed "limit on the whole result" (DR 0011): one page, no
 * nextLink, exactly `top` entities. Completeness must then be read without $top.
 */
export const limitedByTop = (pages: HttpResponse[], top: number): boolean =>
  pages.length === 1 && pages[0].status === 200 && !pages[0].json?.['@odata.nextLink'] && (pages[0].json?.value?.length ?? 0) === top;

/** The id a 2xx create answer names: in its body, or (a 204) in Location or OData-EntityId (OData §8.3.3-8.3.4). */
export function createdIdOf(r: HttpResponse): string | undefined {
  if (r.status < 200 || r.status >= 300) return undefined;
  return typeof r.json?.id === 'string' ? r.json.id : idFromLocation(r.headers.location ?? r.headers['odata-entityid']);
}

export function idFromLocation(location: string | undefined): string | undefined {
  if (!location) return undefined;
  const m = /\/([^/()]+)$/.exec(location) ?? /\('([^']+)'\)$/.exec(location);
  return m ? decodeURIComponent(m[1]) : undefined;
}

export function cleanupError(r: CleanupReport): HarnessError | undefined {
  return r.failures.length ? new HarnessError('cleanup', `cleanup left ${r.failures.length} resource(s): ${r.failures.join('; ')}`) : undefined;
}
