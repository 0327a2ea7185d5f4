/** Token providers: none, a static bearer token, or MSAL client credentials (secret or certificate). */
import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import type { Config } from '../config/config.js';
import { HarnessError } from './errors.js';
import { registerSecret } from './redact.js';

export interface TokenProvider {
  readonly mode: 'none' | 'token' | 'msal';
  /** undefined: send no Authorization header */
  getToken(): Promise<string | undefined>;
  /** number of token endpoint calls made (msal), for tests and reports */
  readonly acquisitions: number;
}

export class NoAuth implements TokenProvider {
  readonly mode = 'none';
  readonly acquisitions = 0;
  async getToken() {
    return undefined;
  }
}

class StaticToken implements TokenProvider {
  readonly mode = 'token';
  readonly acquisitions = 0;
  constructor(private token: string) {
    registerSecret(token);
  }
  async getToken() {
    return this.token;
  }
}

/** Renew this long before expiry so a request never leaves with a token about to lapse. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

export class MsalClientCredentials implements TokenProvider {
  readonly mode = 'msal';
  acquisitions = 0;
  private cca: ConfidentialClientApplication;
  private cached?: { token: string; expiresOn: number };
  private inflight?: Promise<string>;

  constructor(private cfg: Config) {
    registerSecret(cfg.clientSecret);
    registerSecret(cfg.certificateKey);
    const auth: Configuration['auth'] = {
      clientId: cfg.clientId!,
      authority: `${cfg.authorityHost}/${cfg.tenantId}`,
    };
    if (cfg.clientSecret) auth.clientSecret = cfg.clientSecret;
    else
      auth.clientCertificate = {
        thumbprintSha256: cfg.certificateThumbprintSha256!,
        privateKey: cfg.certificateKey!,
        ...(cfg.sendX5c && cfg.certificateX5c ? { x5c: cfg.certificateX5c } : {}),
      };
    this.cca = new ConfidentialClientApplication({ auth, system: { disableInternalRetries: true } });
  }

  async getToken(): Promise<string> {
    if (this.cached && this.cached.expiresOn - RENEW_BEFORE_MS > Date.now()) return this.cached.token;
    this.inflight ??= this.acquire().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async acquire(): Promise<string> {
    this.acquisitions += 1;
    try {
      const r = await this.cca.acquireTokenByClientCredential({ scopes: [this.cfg.scope], skipCache: !!this.cached });
      if (!r?.accessToken) throw new HarnessError('auth', 'the token endpoint returned no access token');
      registerSecret(r.accessToken);
      this.cached = { token: r.accessToken, expiresOn: r.expiresOn ? r.expiresOn.getTime() : Date.now() + 3600_000 };
      return r.accessToken;
    } catch (e) {
      if (e instanceof HarnessError) throw e;
      throw new HarnessError('auth', describeMsalError(e, this.cfg));
    }
  }
}

/** One actionable line from an MSAL error; AADSTS codes kept, secrets never echoed. */
function describeMsalError(e: unknown, cfg: Config): string {
  const err = e as { errorCode?: string; errorMessage?: string; message?: string };
  const code = err.errorCode ?? 'unknown_error';
  const aadsts = /AADSTS\d+/.exec(err.errorMessage ?? err.message ?? '')?.[0];
  const hint: Record<string, string> = {
    invalid_client: 'the client secret or certificate was refused: check AZURE_CLIENT_SECRET / AZURE_CLIENT_CERTIFICATE_PATH and the app registration',
    unauthorized_client: 'the application is not known in this tenant: check AZURE_CLIENT_ID and AZURE_TENANT_ID',
    invalid_request: 'the token request was refused: check AZURE_TENANT_ID and the cloud (DSC_CLOUD)',
    network_error: `the token endpoint ${cfg.authorityHost} could not be reached`,
    temporarily_unavailable: 'the token endpoint is temporarily unavailable; try again later',
  };
  return `token acquisition failed (${code}${aadsts ? `, ${aadsts}` : ''}) at ${cfg.authorityHost}/${cfg.tenantId}: ${hint[code] ?? (err.errorMessage ?? err.message ?? 'no detail').split('\n')[0]}`;
}

export function tokenProvider(cfg: Config): TokenProvider {
  if (cfg.auth === 'token') return new StaticToken(cfg.token!);
  if (cfg.auth === 'msal') return new MsalClientCredentials(cfg);
  return new NoAuth();
}
