/** Allure Report 3 HTML (single file, opens from file://) with history kept between runs in the report folder. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export class ReportError extends Error {
  readonly harness = true;
}

export interface HtmlReport {
  index: string;
  stats: Record<string, number>;
}

/** The Awesome plugin embeds Google Analytics; a conformance report of a tenant must not call home when opened. */
function stripAnalytics(index: string): void {
  const html = readFileSync(index, 'utf8');
  const clean = html
    .replace(/<script async src="https:\/\/www\.googletagmanager\.com\/[^"]*"><\/script>/g, '')
    .replace(/<script>\s*window\.dataLayer[\s\S]*?<\/script>/g, '');
  if (clean !== html) writeFileSync(index, clean);
}

export async function generateHtml(reportDir: string, name = 'datashare-conformance'): Promise<HtmlReport> {
  const results = path.join(reportDir, 'allure-results');
  if (!existsSync(results)) throw new ReportError(`no Allure results in ${results}; run "datashare-conformance run --report-dir ${reportDir}" first`);
  const out = path.join(reportDir, 'allure-report');
  const rc = path.join(reportDir, 'allurerc.mjs');
  writeFileSync(
    rc,
    `export default ${JSON.stringify(
      {
        name,
        output: out,
        historyPath: path.join(reportDir, 'allure-history.jsonl'),
        plugins: { awesome: { options: { singleFile: true, reportLanguage: 'en', reportName: name } } },
      },
      null,
      2,
    )};\n`,
  );
  const cli = allureCli();
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const p = spawn(process.execPath, [cli, 'generate', results, '--config', rc], { env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    p.stdout.on('data', (d) => (output += d));
    p.stderr.on('data', (d) => (output += d));
    p.on('close', (c) => resolve({ code: c, output }));
  });
  const index = path.join(out, 'index.html');
  if (code !== 0 || !existsSync(index)) throw new ReportError(`allure generate failed (exit ${code}): ${output.trim().split('\n').slice(-3).join(' ')}`);
  stripAnalytics(index);
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
  return { index, stats: summary.stats };
}

/** The Allure 3 CLI script of the installed `allure` package (its exports hide package.json, so walk up from main). */
function allureCli(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('allure'));
  for (let i = 0; i < 5; i++, dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'cli.js')) && existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'cli.js');
  }
  throw new ReportError('the allure package is installed without its cli.js; reinstall with npm ci');
}
