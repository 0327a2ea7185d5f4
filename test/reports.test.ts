/** Reports from real runs: Allure HTML opened in Chromium, expectations, compare, shards, and a secrets scan. */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tmp } from './helpers/cli.js';
import { CHECKS } from '../checks/registry.js';

const CHROMIUM = '/usr/bin/chromium';
const results = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
const statuses = (dir: string) => Object.fromEntries(Object.entries<any>(results(dir).checks).map(([id, c]) => [id, c.status]));

describe('Allure HTML report', () => {
  const needBrowser = !!process.env.DSC_REQUIRE_BROWSER || existsSync(CHROMIUM);
  it.skipIf(!needBrowser)('is built from a real run and shows the right numbers in headless Chromium; a screenshot is saved', async () => {
    const dir = tmp();
    const run = await cli(['run', '--report-dir', dir, '--checks', 'etag,crud', '--mock-defect', 'if-match-ignored', '--seed', '9']);
    expect(run.code).toBe(1);
    const st = Object.values(statuses(dir));
    const failed = st.filter((s) => s === 'fail').length;
    const passed = st.filter((s) => s === 'pass').length;
    expect(failed).toBeGreaterThan(0);
    const rep = await cli(['report', '--report-dir', dir]);
    expect(rep.code, rep.err).toBe(0);
    const index = path.join(dir, 'allure-report', 'index.html');
    expect(readFileSync(index, 'utf8')).not.toMatch(/googletagmanager/);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`file://${index}`);
      await page.getByText('Passed', { exact: true }).first().waitFor({ timeout: 20_000 });
      // biome-ignore lint/performance/useDomNodeTextContent: rendered text keeps the spaces between label and number
      const text = await page.evaluate(() => document.body.innerText);
      expect(text).toMatch(new RegExp(`Failed\\s+${failed}\\b`));
      expect(text).toMatch(new RegExp(`Passed\\s+${passed}\\b`));
      expect(text).toContain('etag.patch.stale-if-match-412');
      const shot = path.join(dir, 'allure-report', 'screenshot.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
  });
});

describe('expectations', () => {
  it('a listed failure is expected, an unlisted one fails, a listed pass is reported, an unknown id is an error', async () => {
    const dir = tmp();
    const args = ['run', '--report-dir', dir, '--checks', 'etag', '--mock-defect', 'if-match-delete-ignored', '--seed', '2'];
    const first = await cli(args);
    expect(first.code).toBe(1);
    const draft = path.join(dir, 'expect.yaml');
    expect((await cli(['expectations', '--from', path.join(dir, 'results.json'), '--out', draft])).code).toBe(0);
    expect(readFileSync(draft, 'utf8')).toMatch(/id: etag.delete.stale-if-match-412/);
    const expected = await cli([...args, '--expectations', draft]);
    expect(expected.code).toBe(0);
    expect(expected.out).toMatch(/FAIL \[MUST\] \(expected\) etag.delete.stale-if-match-412/);
    const listed = path.join(dir, 'listed.json');
    writeFileSync(listed, JSON.stringify({ expectations: [{ id: 'etag.delete.stale-if-match-412', expected: 'fail', reason: 'known' }, { id: 'etag.patch.rotates', expected: 'fail', reason: 'was broken' }] }));
    const pass = await cli([...args, '--expectations', listed]);
    expect(pass.code).toBe(0);
    expect(pass.out).toMatch(/UNEXPECTED PASS etag.patch.rotates/);
    writeFileSync(listed, JSON.stringify({ expectations: [{ id: 'etag.patch.rotates', expected: 'fail', reason: 'x' }] }));
    const unexpected = await cli(['run', '--report-dir', dir, '--checks', 'etag', '--mock-defect', 'if-match-ignored', '--expectations', listed]);
    expect(unexpected.code).toBe(1);
    writeFileSync(listed, JSON.stringify({ expectations: [{ id: 'etag.no-such-check', expected: 'fail', reason: 'x' }] }));
    const unknown = await cli([...args, '--expectations', listed]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown check id "etag.no-such-check"/);
  });
});

describe('compare', () => {
  it('classifies regressed, fixed, still-failing, new, removed, unchanged from real runs, and gates on regressions', async () => {
    const clean = tmp();
    const broken = tmp();
    const broken2 = tmp();
    await cli(['run', '--report-dir', clean, '--checks', 'etag,crud', '--seed', '4']);
    await cli(['run', '--report-dir', broken, '--checks', 'etag,errors', '--mock-defect', 'if-match-ignored', '--seed', '4']);
    await cli(['run', '--report-dir', broken2, '--checks', 'etag,errors', '--mock-defect', 'if-match-ignored', '--seed', '4']);
    const json = path.join(clean, 'cmp.json');
    const worse = await cli(['compare', path.join(clean, 'results.json'), path.join(broken, 'results.json'), '--json', json]);
    expect(worse.code).toBe(1);
    expect(worse.out).toMatch(/\| `etag.patch.stale-if-match-412` \| regressed \| pass \| fail \| MUST \|/);
    const rows: { id: string; change: string }[] = JSON.parse(readFileSync(json, 'utf8')).rows;
    const change = (id: string) => rows.find((r) => r.id === id)?.change;
    expect(change('crud.patch.merge')).toBe('removed');
    expect(change('errors.body.envelope')).toBe('new');
    expect(change('etag.patch.rotates')).toBe('unchanged');
    const better = await cli(['compare', path.join(broken, 'results.json'), path.join(clean, 'results.json')]);
    expect(better.code).toBe(0);
    expect(better.out).toMatch(/`etag.patch.stale-if-match-412` \| fixed/);
    const same = await cli(['compare', path.join(broken, 'results.json'), path.join(broken2, 'results.json')]);
    expect(same.code).toBe(0);
    expect(same.out).toMatch(/`etag.patch.stale-if-match-412` \| still-failing/);
  });
  it('refuses a corrupted results file with one clear message', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'bad.json'), '{"schemaVersion": 1, "run": ');
    writeFileSync(path.join(dir, 'other.json'), '{"hello": "world"}');
    const a = await cli(['compare', path.join(dir, 'bad.json'), path.join(dir, 'other.json')]);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/results file ".*bad.json" is not valid JSON/);
    const b = await cli(['compare', path.join(dir, 'other.json'), path.join(dir, 'other.json')]);
    expect(b.err).toMatch(/is not a datashare-conformance results file/);
  });
});

describe('sharding', () => {
  it('two shards merged give the same results as one run', async () => {
    const one = tmp();
    const sharded = tmp();
    const single = await cli(['run', '--report-dir', one, '--seed', '21']);
    expect(single.code, single.out).toBe(0);
    for (const s of ['1/2', '2/2']) expect((await cli(['run', '--report-dir', sharded, '--seed', '21', '--shard', s])).code).toBe(0);
    const merged = await cli(['report', 'merge', '--report-dir', sharded]);
    expect(merged.code, merged.err).toBe(0);
    expect(statuses(sharded)).toEqual(statuses(one));
    expect(Object.keys(statuses(one))).toHaveLength(CHECKS.size);
    expect(existsSync(path.join(sharded, 'junit.xml'))).toBe(true);
    expect(readdirSync(path.join(sharded, 'allure-results')).filter((f) => f.endsWith("-result.json"))).toHaveLength(CHECKS.size);
  });
});

describe('secrets', () => {
  it('no artefact of a run configured with a token and a client secret contains either', async () => {
    const dir = tmp();
    const token = 'eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJkc2Mtc2NhbiJ9.c2VjcmV0LXNpZ25hdHVyZQ';
    const secret = 'Zx8Q~client-secret-for-the-scan-0001';
    const env = { DSC_TOKEN: token, AZURE_TENANT_ID: 'contoso.onmicrosoft.com', AZURE_CLIENT_ID: 'app', AZURE_CLIENT_SECRET: secret };
    const run = await cli(['run', '--report-dir', dir, '--seed', '8', '--mock-defect', 'etag-not-rotated'], env);
    expect(run.code).toBe(1);
    await cli(['report', '--report-dir', dir], env);
    const needles = [token, secret, Buffer.from(token).toString('base64'), Buffer.from(secret).toString('base64'), ...token.split('.')];
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = path.join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(dir);
    expect(files.length).toBeGreaterThan(60);
    for (const f of files) {
      const text = readFileSync(f, 'latin1');
      for (const n of needles) expect(text.includes(n), `${n.slice(0, 8)}… found in ${f}`).toBe(false);
    }
    for (const n of needles) expect(run.out + run.err).not.toContain(n);
  });
});
