/**
 * Wall time of the checks that page through the whole collection as it grows: entities are preloaded into a
 * fresh in-process mock, the checks run through the real target layer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHECKS } from '../checks/registry.js';
import { createEnv, runCheck } from '../checks/runner.js';
import { loadConfig } from '../config/config.js';
import { startMock } from '../mock/server.js';

export const PAGING_CHECKS = ['odata.paging.complete', 'odata.paging.final-page-no-nextlink', 'crud.create.listed', 'odata.query.count'];

export interface ScalingSample {
  entities: number;
  ms: number;
  requests: number;
}

export async function pagingAt(entities: number): Promise<ScalingSample> {
  const mock = await startMock();
  const dir = mkdtempSync(path.join(tmpdir(), 'dsc-bench-scaling-'));
  try {
    mock.preload(entities);
    const cfg = loadConfig({ baseUrl: mock.baseUrl, reportDir: dir, seed: '1', requestBudget: '1000000', concurrency: '4' }, {});
    const env = createEnv(cfg, mock.baseUrl);
    const started = performance.now();
    for (const id of PAGING_CHECKS) {
      const r = await runCheck(CHECKS.get(id)!, env);
      if (r.status !== 'pass') throw new Error(`bench: ${id} is ${r.status} at ${entities} entities: ${r.message}`);
    }
    return { entities, ms: performance.now() - started, requests: env.http.stats.requests };
  } finally {
    await mock.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Log-log slope of time against size between two sizes: 1 is linear, 2 quadratic. */
export const slope = (a: { entities: number; ms: number }, b: { entities: number; ms: number }) => Math.log(b.ms / a.ms) / Math.log(b.entities / a.entities);
