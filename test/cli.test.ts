/** The real CLI, end to end: the main job, exit codes, clear errors, the mock command. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../checks/registry.js';
import { cli, closedPort, startCliMock, tmp } from './helpers/cli.js';

describe('datashare-conformance run', () => {
  it('passes against the embedded mock, prints the table, writes results, JUnit and Allure results', async () => {
    const dir = tmp();
    const r = await cli(['run', '--report-dir', dir, '--seed', '5']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/area\s+pass\s+fail\s+error\s+skipped\s+unsupported/);
    expect(r.out).toMatch(/PASS: conformant/);
    const res = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
    expect(res.run.seed).toBe(5);
    expect(Object.values<any>(res.checks).every((c) => c.status === 'pass')).toBe(true);
    expect(existsSync(path.join(dir, 'junit.xml'))).toBe(true);
    expect(existsSync(path.join(dir, 'summary.md'))).toBe(true);
    expect(existsSync(path.join(dir, 'allure-results'))).toBe(true);
  });
  it('exits 1 against a mock with a defect and names the broken rule', async () => {
    const { url, proc } = await startCliMock(['--defect', 'etag-not-rotated']);
    try {
      const r = await cli(['run', '--base-url', url, '--report-dir', tmp(), '--checks', 'etag,crud']);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/FAIL \[MUST\] etag.patch.rotates: the eTag did not change/);
      expect(r.out).toMatch(/FAIL: \d+ unexpected conformance failure/);
    } finally {
      proc.kill('SIGTERM');
    }
  });
  it('exits 1 with --fail-on should for a SHOULD-only defect, 0 without', async () => {
    const a = await cli(['run', '--report-dir', tmp(), '--checks', 'errors', '--mock-defect', 'request-id-missing']);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/FAIL \[SHOULD\] errors.headers.request-id/);
    const b = await cli(['run', '--report-dir', tmp(), '--checks', 'errors', '--mock-defect', 'request-id-missing', '--fail-on', 'should']);
    expect(b.code).toBe(1);
  });
  it.each([
    [['run', '--profile', 'nope'], /--profile must be one of full, tenant-safe, read-only/],
    [['run', '--base-url', 'not a url'], /--base-url must be an absolute http\(s\) URL/],
    [['run', '--checks', 'crud.nope'], /unknown check or area "crud.nope"/],
    [['run', '--bogus-flag'], /unknown option '--bogus-flag'/],
    [['run', '--base-url', 'https://graph.microsoft.com/beta'], /pass --allow-writes/],
    [['mock', '--defect', 'nope'], /unknown defect "nope"/],
    [['sweep', '--base-url', 'http://127.0.0.1:9/beta', '--ledger', '/nonexistent/ledger.jsonl', '--marker-run', 'bad id!'], /--marker-run must be a run id/],
  ])('%j fails with one clear line and exit 2, no stack trace', async (args, msg) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
  it('an unreachable target fails fast with exit 2 and a clear message', async () => {
    const port = await closedPort();
    const started = Date.now();
    const r = await cli(['run', '--base-url', `http://127.0.0.1:${port}/beta`, '--report-dir', tmp()]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/target not usable: .*connection refused \(is the target running\?\)/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
  it('prints the effective configuration with secrets redacted', async () => {
    const r = await cli(['run', '--print-config'], { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 'never-print-me-123' });
    expect(r.code).toBe(0);
    expect(r.out).toContain('"auth": "msal"');
    expect(r.out).not.toContain('never-print-me-123');
  });
});

describe('datashare-conformance checks', () => {
  it('lists every check; an area or id narrows it; --json is for tools; an unknown name is refused', async () => {
    const all = await cli(['checks']);
    expect(all.code).toBe(0);
    for (const id of CHECKS.keys()) expect(all.out).toContain(`\`${id}\``);
    expect(all.out).toContain(`${CHECKS.size} checks`);
    const etag = await cli(['checks', 'etag', 'crud.get.missing-404', '--json']);
    const rows = JSON.parse(etag.out);
    expect(rows.map((r: { id: string }) => r.id).every((id: string) => id.startsWith('etag.') || id === 'crud.get.missing-404')).toBe(true);
    expect(rows.find((r: { id: string }) => r.id === 'etag.patch.stale-if-match-412')).toMatchObject({ severity: 'MUST', area: 'etag' });
    const bad = await cli(['checks', 'crud.nope']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown check or area "crud.nope"/);
  });
});

describe('invitees (DR 0016)', () => {
  it('against a target that accepts only directory users it offers, the run learns them from the function; a wrong --invitee-ids fails', async () => {
    const { url, proc } = await startCliMock(['--behaviour', 'invitees-directory-checked']);
    try {
      const checks = ['--checks', 'crud.create.round-trip,crud.patch.collection-replaced,model.commands.sequences,validation.patch.invalid'];
      const ok = await cli(['run', '--base-url', url, '--report-dir', tmp(), '--seed', '4', ...checks]);
      expect(ok.code, ok.out).toBe(0);
      const wrong = await cli(['run', '--base-url', url, '--report-dir', tmp(), '--seed', '4', '--invitee-ids', '0b5e1c2d-0000-4000-8000-00000000dead', ...checks]);
      expect(wrong.code).toBe(1);
      expect(wrong.out + wrong.err).toMatch(/is not a Global Administrator of the tenant/);
    } finally {
      proc.kill('SIGTERM');
    }
  });
});

describe('datashare-conformance mock', () => {
  it('prints its base URL when ready and stops cleanly on SIGTERM', async () => {
    const { url, proc } = await startCliMock();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/beta$/);
    expect((await fetch(`${url}/industryData/dataShareOutgoingFlows`)).status).toBe(200);
    const code = await new Promise((r) => {
      proc.on('exit', r);
      proc.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });
});
