import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOUDS, ConfigError, describeConfig, loadConfig } from '../config/config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dsc-config-'));
const file = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('configuration', () => {
  it('takes CLI flags over environment over file over defaults; empty counts as unset', () => {
    const cfgFile = file('a.yaml', 'numRuns: 7\nconcurrency: 3\ntimeoutMs: 1234\n');
    const c = loadConfig({ configFile: cfgFile, numRuns: '9' }, { DSC_RUNS: '8', DSC_CONCURRENCY: '5', DSC_TIMEOUT_MS: '' });
    expect(c.numRuns).toBe(9);
    expect(c.concurrency).toBe(5);
    expect(c.timeoutMs).toBe(1234);
    expect(c.maxRetries).toBe(3);
  });
  it('defaults to the embedded mock, profile full, auth none, a random seed it records', () => {
    const c = loadConfig({}, {});
    expect(c.baseUrl).toBeUndefined();
    expect(c.profile).toBe('full');
    expect(c.auth).toBe('none');
    expect(Number.isInteger(c.seed)).toBe(true);
    expect(c.collectionPath).toBe('/industryData/dataShareOutgoingFlows');
  });
  it.each(Object.entries(CLOUDS))('cloud %s sets Graph root, authority and scope together', (cloud, v) => {
    const c = loadConfig({ cloud }, {});
    expect(c.graphRoot).toBe(v.graphRoot);
    expect(c.authorityHost).toBe(v.authorityHost);
    expect(c.scope).toBe(`${v.graphRoot}/.default`);
  });
  it('reads invitee ids as a list and refuses what is no directory id', () => {
    expect(loadConfig({}, { DSC_INVITEE_IDS: ' a1b2c3d4-0000-4000-8000-000000000001 , a1b2c3d4-0000-4000-8000-000000000002 ' }).inviteeIds).toEqual(['a1b2c3d4-0000-4000-8000-000000000001', 'a1b2c3d4-0000-4000-8000-000000000002']);
    expect(loadConfig({}, { DSC_INVITEE_IDS: '' }).inviteeIds).toBeUndefined();
    expect(() => loadConfig({ inviteeIds: 'ok-id,not an id' }, {})).toThrow(/--invitee-ids must be directory object ids .*"not an id"/);
  });
  it('infers the auth mode from what is set', () => {
    expect(loadConfig({}, { DSC_TOKEN: 't0k3n-value' }).auth).toBe('token');
    expect(loadConfig({}, { AZURE_TENANT_ID: 'contoso.onmicrosoft.com', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's3' }).auth).toBe('msal');
  });
  it.each([
    [{ profile: 'wide' }, {}, /--profile must be one of full, tenant-safe, read-only; got "wide"/],
    [{}, { DSC_RUNS: 'many' }, /DSC_RUNS must be a whole number from 1 to 100000; got "many"/],
    [{ baseUrl: 'graph.microsoft.com/beta' }, {}, /--base-url must be an absolute http\(s\) URL/],
    [{ baseUrl: 'ftp://x.test/beta' }, {}, /must use http or https/],
    [{ baseUrl: 'http://graph.example.test/beta' }, {}, /plain http on a non-loopback host/],
    [{ baseUrl: 'https://graph.microsoft.com/beta' }, {}, /profile "tenant-safe" writes to graph.microsoft.com; pass --allow-writes/],
    [{ baseUrl: 'https://graph.microsoft.com/beta', profile: 'full', allowWrites: 'true' }, {}, /profile "full" probes destructive behaviour/],
    [{ auth: 'msal' }, {}, /auth "msal" needs AZURE_TENANT_ID and AZURE_CLIENT_ID/],
    [{ auth: 'msal' }, { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' }, /needs a credential: set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH/],
    [{}, { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_CERTIFICATE_PATH: '/nonexistent/cert.pem' }, /certificate "\/nonexistent\/cert.pem" cannot be read \(ENOENT\)/],
    [{ auth: 'token' }, {}, /auth "token" needs a bearer token/],
    [{ cloud: 'mars' }, {}, /--cloud must be one of global, usgov, dod, china/],
  ])('refuses %j %j with one clear message', (flags, env, msg) => {
    expect(() => loadConfig(flags as Record<string, string>, env as NodeJS.ProcessEnv)).toThrow(msg);
    expect(() => loadConfig(flags as Record<string, string>, env as NodeJS.ProcessEnv)).toThrow(ConfigError);
  });
  it('refuses a malformed or unknown-keyed config file', () => {
    expect(() => loadConfig({ configFile: file('bad.json', '{"numRuns": ') }, {})).toThrow(/is not valid JSON/);
    expect(() => loadConfig({ configFile: file('bad.yaml', 'bogusSetting: 1\n') }, {})).toThrow(/unknown setting "bogusSetting"/);
    expect(() => loadConfig({ configFile: path.join(dir, 'missing.yaml') }, {})).toThrow(/cannot be read: ENOENT/);
  });
  it('allows tenant-safe and read-only against a real tenant with the right confirmations', () => {
    expect(loadConfig({ baseUrl: 'https://graph.microsoft.com/beta', allowWrites: 'true' }, {}).profile).toBe('tenant-safe');
    expect(loadConfig({ baseUrl: 'https://graph.microsoft.com/beta', profile: 'read-only' }, {}).requestBudget).toBe(300);
  });
  it('prints the effective configuration with secrets redacted', () => {
    const c = loadConfig({}, { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 'super-secret-value' });
    const text = JSON.stringify(describeConfig(c));
    expect(text).not.toContain('super-secret-value');
    expect(text).toContain('***redacted***');
  });
  it('reads a certificate PEM: key kept, thumbprint computed', () => {
    const c = loadConfig({}, { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_CERTIFICATE_PATH: new URL('./fixtures/cert/test-client.pem', import.meta.url).pathname });
    expect(c.certificateKey).toMatch(/BEGIN PRIVATE KEY/);
    expect(c.certificateThumbprintSha256).toMatch(/^[0-9A-F]{64}$/);
    expect(JSON.stringify(describeConfig(c))).not.toContain('BEGIN PRIVATE KEY');
  });
});
