/** A recorded request/response pair, always redacted, and its curl reproduction. */
export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  startedAt: string;
  durationMs: number;
  requestId?: string;
  clientRequestId: string;
  /** attempts made (1 + retries) */
  attempts: number;
  error?: string;
}

const MAX_BODY = 4096;

export function truncateBody(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  return s.length > MAX_BODY ? `${s.slice(0, MAX_BODY)}… (${s.length - MAX_BODY} more characters)` : s;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A copy-pasteable curl line; the token is a shell variable, never the value. */
export function toCurl(x: Exchange): string {
  const parts = ['curl', '-i', '-X', x.method, shellQuote(x.url)];
  for (const [k, v] of Object.entries(x.requestHeaders)) {
    if (k.toLowerCase() === 'authorization') parts.push('-H', '"Authorization: Bearer $GRAPH_TOKEN"');
    else parts.push('-H', shellQuote(`${k}: ${v}`));
  }
  if (x.requestBody !== undefined) parts.push('--data-raw', shellQuote(x.requestBody));
  return parts.join(' ');
}

export function describeExchange(x: Exchange): string {
  const lines = [`${x.method} ${x.url} -> ${x.status ?? x.error ?? 'no response'} (${x.durationMs} ms${x.attempts > 1 ? `, ${x.attempts} attempts` : ''})`];
  if (x.requestId) lines.push(`request-id: ${x.requestId}`);
  lines.push(`client-request-id: ${x.clientRequestId}`);
  if (x.responseBody) lines.push(`response body: ${truncateBody(x.responseBody)}`);
  lines.push(`reproduce: ${toCurl(x)}`);
  return lines.join('\n');
}
