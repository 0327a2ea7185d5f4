/**
 * The single redaction point: everything recorded (exchanges, logs, reports, ledgers) passes through `redact`.
 * Secrets are registered once (config, acquired tokens) and removed verbatim, in base64 and URL-encoded forms.
 */
const secrets = new Set<string>();
const MASK = '***redacted***';
const JWT = /eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/g;

export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 4) return;
  for (const form of forms(value)) secrets.add(form);
}

function forms(v: string): string[] {
  const out = [v, encodeURIComponent(v), Buffer.from(v).toString('base64'), Buffer.from(v).toString('base64url')];
  // PEM keys: also every base64 body line, so a key split over lines is caught line by line
  if (v.includes('-----BEGIN')) for (const line of v.split(/\r?\n/)) if (line.length >= 16 && !line.startsWith('-----')) out.push(line.trim());
  return out.filter((f) => f.length >= 4);
}

export function redact(text: string): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (out.includes(s)) out = out.split(s).join(MASK);
  return out.replace(JWT, MASK).replace(/(Bearer\s+)(?!\*\*\*)[^\s"',]+/gi, `$1${MASK}`);
}

export function redactHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k] = /^(authorization|cookie|set-cookie|x-ms-client-assertion)$/i.test(k) ? (k.toLowerCase() === 'authorization' ? 'Bearer ***redacted***' : MASK) : redact(v);
  return out;
}

/** Deep-redacts any JSON-able value. */
export function redactValue<T>(v: T): T {
  return JSON.parse(redact(JSON.stringify(v ?? null))) as T;
}

export function clearSecretsForTests(): void {
  secrets.clear();
}
