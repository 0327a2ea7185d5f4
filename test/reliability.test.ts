/**
 * The real CLI against the reference mock with transport faults: correct classification, bounded time, no leaked
 * resources or secrets, clean interruption, isolation from resources the run did not create.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cli, startCliMock, tmp } from './helpers/cli.js';

interface Row {
  scenario: string;
  faults: string;
  code: number | null;
  checks: number;
  affected: number;
  misclassified: number;
  retries: number;
  waitedMs: number;
  leaked: number;
  seconds: number;
}
const rows: Row[] = [];
afterAll(() => {
  // the table that goes into the closing note of the reliability issue
  const head = '| scenario | faults | exit | checks | affected (error) | misclassified (fail) | retries | waited ms | leaked | s |';
  const lines = rows.map((r) => `| ${r.scenario} | ${r.faults} | ${r.code} | ${r.checks} | ${r.affected} | ${r.misclassified} | ${r.retries} | ${r.waitedMs} | ${r.leaked} | ${r.seconds} |`);
  writeFileSync(path.join(tmp(), 'reliability-table.md'), [head, '|---|---|---|---|---|---|---|---|---|---|', ...lines].join('\n'));
  process.stdout.write(`\n${head}\n${lines.join('\n')}\n`);
});

const flowsIn = async (url: string) => (await (await fetch(`${url.replace(/\/beta$/, '')}/_mock/state`)).json()).flows as number;
const stop = (p: ChildProcess) =>
  new Promise((r) => {
    if (p.exitCode !== null) return r(p.exitCode);
    p.once('exit', r);
    p.kill('SIGTERM');
  });

async function scenario(name: string, faults: string[], args: string[], expectCode: (number | null)[]) {
  const { url, proc } = await startCliMock(faults.flatMap((f) => ['--fault', f]));
  const dir = tmp();
  const started = Date.now();
  try {
    const r = await cli(['run', '--base-url', url, '--report-dir', dir, '--seed', '17', '--runs', '5', '--checks', 'crud,etag,validation,runs', ...args], {}, 240_000);
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const res = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
    const checks = Object.values<any>(res.checks);
    const row: Row = {
      scenario: name,
      faults: faults.join(' '),
      code: r.code,
      checks: checks.length,
      affected: checks.filter((c) => c.status === 'error').length,
      misclassified: checks.filter((c) => c.status === 'fail').length,
      retries: res.run.http.retries,
      waitedMs: res.run.http.waitedMs,
      leaked: await flowsIn(url),
      seconds,
    };
    rows.push(row);
    expect(row.misclassified, checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.message}`).join('\n')).toBe(0);
    expect(row.leaked).toBe(0);
    expect(expectCode).toContain(r.code);
    expect(r.err).not.toMatch(/\n\s+at /);
    return { r, res, row };
  } finally {
    await stop(proc);
  }
}

describe('throttling and transient errors', () => {
  it('429 with Retry-After: the run completes, honours the waits and reports them', async () => {
    const { row } = await scenario('429 + Retry-After: 1', ['throttleEvery=15', 'retryAfter=1'], [], [0]);
    expect(row.retries).toBeGreaterThan(0);
    expect(row.waitedMs).toBe(row.retries * 1000);
  });
  it('429 without Retry-After: exponential back-off from 1 s', async () => {
    const { row } = await scenario('429, no Retry-After', ['throttleEvery=40', 'retryAfter=none'], [], [0]);
    expect(row.retries).toBeGreaterThan(0);
    expect(row.waitedMs).toBeGreaterThanOrEqual(row.retries * 1000);
  });
  it('503 bursts: retried, completed', async () => {
    const { row } = await scenario('503 bursts of 2', ['unavailableEvery=30', 'unavailableBurst=2', 'retryAfter=0'], [], [0]);
    expect(row.retries).toBeGreaterThan(0);
  });
  it('exhausted retries: affected checks are error, never fail, and the exit code is 2', async () => {
    const { r, row } = await scenario('429, retries exhausted', ['throttleEvery=4', 'retryAfter=0'], ['--max-retries', '0'], [2]);
    expect(row.affected).toBeGreaterThan(0);
    expect(r.out).toMatch(/ERROR \[MUST\] .*throttled: .*still 429 after 1 attempts/);
  });
});

describe('slow and broken targets', () => {
  it('latency: completes', async () => {
    await scenario('latency 40 ms', ['latencyMs=40'], [], [0]);
  });
  it.each([
    ['dropped connections', ['dropEvery=45']],
    ['truncated bodies', ['truncateEvery=45']],
    ['HTML instead of JSON', ['nonJsonEvery=45']],
  ])('%s: every affected check is error, none fail, nothing leaks', async (name, faults) => {
    const { res } = await scenario(name, faults, ['--max-retries', '2'], [0, 2]);
    for (const c of Object.values<any>(res.checks).filter((x) => x.status === 'error')) expect(c.message).toMatch(/^(network|timeout|throttled|cleanup):/);
  });
  it('a server that accepts and never answers: each request ends at its timeout, the run within its bound', async () => {
    const started = Date.now();
    const { res } = await scenario('hang every 60th request', ['hangEvery=60'], ['--timeout-ms', '800', '--max-retries', '1'], [0, 2]);
    // bound: every hung request costs at most timeout x (retries + 1); far fewer than 40 hang in this run
    expect(Date.now() - started).toBeLessThan(90_000);
    const timeouts = Object.values<any>(res.checks).filter((c) => /timeout: .*no complete answer within 800 ms/.test(c.message ?? ''));
    expect(timeouts.length + Object.values<any>(res.checks).filter((c) => c.status === 'pass').length).toBeGreaterThan(0);
  });
});

describe('interruption', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} mid-run deletes what the run created, writes partial results and exits 2`, async () => {
      const { url, proc: mock } = await startCliMock(['--fault', 'latencyMs=25']);
      const dir = tmp();
      try {
        const run = spawn(process.execPath, [BIN, 'run', '--base-url', url, '--report-dir', dir, '--seed', '3']);
        let out = '';
        run.stdout.on('data', (d) => (out += d));
        // wait until the run has created something (start-up of tsx and vitest takes seconds on a loaded machine)
        let seen = 0;
        for (let i = 0; i < 600; i++) {
          seen = await flowsIn(url);
          if (seen > 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        // what was seen, not a second reading: the run's checks create and delete within milliseconds
        expect(seen).toBeGreaterThan(0);
        run.kill(signal);
        const code = await new Promise((r) => run.once('exit', r));
        expect(code).toBe(2);
        expect(out).toMatch(new RegExp(`${signal}: stopping the run`));
        const res = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
        expect(res.run.interrupted).toBe(true);
        expect(Object.values<any>(res.checks).some((c) => c.message === 'not run: the run was interrupted')).toBe(true);
        expect(await flowsIn(url)).toBe(0);
      } finally {
        await stop(mock);
      }
    });
  }
  it('SIGKILL leaves a ledger from which sweep removes every leftover', async () => {
    const { url, proc: mock } = await startCliMock(['--fault', 'latencyMs=25']);
    const dir = tmp();
    try {
      const run = spawn(process.execPath, [BIN, 'run', '--base-url', url, '--report-dir', dir, '--seed', '3'], { detached: true });
      for (let i = 0; i < 600 && (await flowsIn(url)) < 3; i++) await new Promise((r) => setTimeout(r, 50));
      process.kill(-run.pid!, 'SIGKILL'); // the whole group: the run and its vitest workers die without cleanup
      await new Promise((r) => run.once('exit', r));
      await new Promise((r) => setTimeout(r, 300));
      const left = await flowsIn(url);
      expect(left).toBeGreaterThan(0);
      expect(readdirSync(dir).some((f) => f.startsWith('ledger-'))).toBe(true);
      const sweep = await cli(['sweep', '--base-url', url, '--report-dir', dir]);
      expect(sweep.code, sweep.err).toBe(0);
      expect(sweep.out).toMatch(/sweep: \d+ leftover\(s\):/);
      expect(await flowsIn(url)).toBe(0);
      rows.push({ scenario: 'SIGKILL then sweep', faults: 'latencyMs=25', code: null, checks: 0, affected: 0, misclassified: 0, retries: 0, waitedMs: 0, leaked: await flowsIn(url), seconds: 0 });
    } finally {
      await stop(mock);
    }
  });
});

describe('isolation', () => {
  it('resources that existed before the run are untouched by the run and by sweep, unless sweep is told to take that run', async () => {
    const { url, proc: mock } = await startCliMock();
    const coll = `${url}/industryData/dataShareOutgoingFlows`;
    const dir = tmp();
    try {
      const mk = async (displayName: string) =>
        (await (await fetch(coll, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ displayName, shareName: 's', inviteeUserIds: ['5f0c2a3e-9a63-4a8e-9a55-0d6f2b1c7e11'] }) })).json()) as { id: string; eTag: string };
      const before = [await mk('customer flow'), await mk('dsc-19990101000000aaaa-someone-elses-run'), await mk('dsc-')];
      const r = await cli(['run', '--base-url', url, '--report-dir', dir, '--seed', '6']);
      expect(r.code, r.out).toBe(0);
      const after = async () => Promise.all(before.map(async (b) => (await fetch(`${coll}/${b.id}`)).json()));
      expect((await after()).map((e: any) => e.eTag)).toEqual(before.map((b) => b.eTag));
      expect((await cli(['sweep', '--base-url', url, '--report-dir', dir])).code).toBe(0);
      expect(await flowsIn(url)).toBe(3);
      const other = await cli(['sweep', '--base-url', url, '--report-dir', dir, '--marker-run', '19990101000000aaaa']);
      expect(other.out).toMatch(/someone-elses-run/);
      expect(await flowsIn(url)).toBe(2);
      expect((await fetch(`${coll}/${before[0].id}`)).status).toBe(200);
    } finally {
      await stop(mock);
    }
  });
});

describe('secrets', () => {
  it('with a client secret, a certificate key and a bearer token configured, no output or artefact holds any of them', async () => {
    const dir = tmp();
    const token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJhdWQiOiJkc2MifQ.cmVsaWFiaWxpdHktc2NhbgQ';
    const secret = 'Qq8~another-client-secret-value-42';
    const certPath = new URL('./fixtures/cert/test-client.pem', import.meta.url).pathname;
    const keyLines = readFileSync(certPath, 'utf8').split('\n').filter((l) => l.length > 40 && !l.startsWith('-----')).slice(0, 26);
    const env = { DSC_TOKEN: token, AZURE_TENANT_ID: 'contoso.onmicrosoft.com', AZURE_CLIENT_ID: 'app', AZURE_CLIENT_SECRET: secret, AZURE_CLIENT_CERTIFICATE_PATH: certPath, DSC_DEBUG: '1' };
    const run = await cli(['run', '--report-dir', dir, '--seed', '8', '--mock-defect', 'if-match-ignored'], env);
    expect(run.code).toBe(1);
    const cfg = await cli(['run', '--print-config'], env);
    await cli(['report', '--report-dir', dir], env);
    const needles = [token, secret, Buffer.from(token).toString('base64'), Buffer.from(secret).toString('base64'), ...token.split('.'), ...keyLines];
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = path.join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(dir);
    const haystacks = [...files.map((f) => [f, readFileSync(f, 'latin1')]), ['stdout', run.out + cfg.out], ['stderr', run.err + cfg.err]];
    let hits = 0;
    for (const [where, text] of haystacks) {
      for (const n of needles) {
        if (!text.includes(n)) continue;
        expect.soft(false, `${n.slice(0, 10)}… in ${where}`).toBe(true);
        hits += 1;
      }
    }
    expect(hits).toBe(0);
    expect(existsSync(path.join(dir, 'allure-report', 'index.html'))).toBe(true);
    rows.push({ scenario: 'secrets scan', faults: '-', code: run.code, checks: files.length, affected: 0, misclassified: 0, retries: 0, waitedMs: 0, leaked: hits, seconds: 0 });
  });
});

describe('flakiness', () => {
  const classify = async (mockArgs: string[]) => {
    const { url, proc } = await startCliMock(mockArgs);
    const dir = tmp();
    try {
      const r = await cli(['run', '--base-url', url, '--report-dir', dir, '--checks', 'crud.get.missing-404']);
      const res = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
      const allure = readdirSync(path.join(dir, 'allure-results'))
        .filter((f) => f.endsWith('-result.json'))
        .map((f) => JSON.parse(readFileSync(path.join(dir, 'allure-results', f), 'utf8')))
        .find((x) => x.name === 'crud.get.missing-404');
      return { r, check: res.checks['crud.get.missing-404'], tags: (allure?.labels ?? []).filter((l: any) => l.name === 'tag').map((l: any) => l.value) };
    } finally {
      await stop(proc);
    }
  };
  it('a check failing intermittently is re-run and classified intermittent; a steady failure deterministic; both in results and Allure', async () => {
    const flaky = await classify(['--fault', 'flakyDefect=get-missing-500', '--fault', 'flakyEvery=2']);
    expect(flaky.check.status).toBe('fail');
    expect(flaky.check.flakiness).toBe('intermittent');
    expect(flaky.check.notes.join('\n')).toMatch(/re-run 1: pass/);
    expect(flaky.tags).toContain('intermittent');
    expect(flaky.r.out).toMatch(/intermittent \(failed, then passed on re-run\): crud.get.missing-404/);
    const steady = await classify(['--defect', 'get-missing-500']);
    expect(steady.check.flakiness).toBe('deterministic');
    expect(steady.tags).toContain('deterministic');
    rows.push({ scenario: 'defect every 2nd time / always', faults: 'flakyDefect=get-missing-500 flakyEvery=2', code: flaky.r.code, checks: 2, affected: 0, misclassified: Number(flaky.check.flakiness !== 'intermittent') + Number(steady.check.flakiness !== 'deterministic'), retries: 0, waitedMs: 0, leaked: 0, seconds: 0 });
  });
});

describe('bad configuration and bad input', () => {
  const dir = tmp();
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const cases: [string, string[], RegExp][] = [
    ['malformed config file', ['run', '--config', file('broken.json', '{ "baseUrl": ')], /config file .*broken\.json/],
    ['unknown setting in a config file', ['run', '--config', file('unknown.yaml', 'baseUrl: http://127.0.0.1:9/beta\nnumberOfRuns: 3\n')], /unknown setting "numberOfRuns"/],
    ['unknown option', ['run', '--seeed', '3'], /unknown option '--seeed'/],
    ['invalid URL', ['run', '--base-url', 'ftp://example.com/beta'], /--base-url must use http or https/],
    ['invalid number', ['run', '--timeout-ms', '0'], /--timeout-ms must be a whole number from/],
    ['unreadable certificate', ['run', '--base-url', 'https://graph.microsoft.com/beta', '--profile', 'read-only', '--auth', 'msal', '--tenant-id', 'contoso.onmicrosoft.com', '--client-id', 'app', '--certificate-path', path.join(tmpdir(), 'dsc-no-such-cert.pem')], /certificate ".*dsc-no-such-cert\.pem" cannot be read \(ENOENT\)/],
    ['expectations file with an unknown id', ['run', '--expectations', file('exp.json', JSON.stringify({ expectations: [{ id: 'crud.nope', expected: 'fail', reason: 'x' }] }))], /unknown check id "crud.nope"/],
    ['corrupted results file to compare', ['compare', file('a.json', '{"schemaVersion":1,"run":{},"checks":{"x":{"status":"maybe"}}}'), file('b.json', '{ not json')], /results file/],
    ['bench with a bad sample count', ['bench', '--samples', 'many'], /--samples must be a whole number/],
  ];
  it.each(cases)('%s: one clear message, exit 2, no stack trace', async (_name, args, msg) => {
    const started = Date.now();
    const r = await cli(args);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
