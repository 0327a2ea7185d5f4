/**
 * Turns the checks of one area into vitest tests. The test name is the check id (stable for Allure history);
 * the CheckResult travels to the reporters as test meta.
 */
import * as allure from 'allure-js-commons';
import { describe, inject, test } from 'vitest';
import { selectChecks } from '../checks/registry.js';
import { type CheckEnv, createEnv, runCheckClassified } from '../checks/runner.js';
import type { Area, CheckResult } from '../checks/types.js';
import type { Config } from '../config/config.js';
import { toCurl } from '../target/exchange.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dsc: { cfg: Config; baseUrl: string; target: string };
  }
  interface TaskMeta {
    dsc?: CheckResult;
  }
}

const ALLURE_SEVERITY = { MUST: 'critical', SHOULD: 'normal', MAY: 'minor' } as const;

/** A conformance failure: Allure files it as "failed" (the name carries "Assertion"). */
class ConformanceAssertionError extends Error {
  name = 'ConformanceAssertionError';
}
/** The harness or the environment failed: Allure files it as "broken". */
class HarnessFailure extends Error {
  name = 'HarnessFailure';
}

export function defineAreaSuite(area: Area): void {
  const { cfg, baseUrl, target } = inject('dsc');
  const checks = selectChecks(cfg.checks).filter((c) => c.area === area);
  let env: CheckEnv | undefined;
  describe(area, () => {
    for (const def of checks) {
      test(def.id, async (t) => {
        env ??= createEnv(cfg, baseUrl);
        await allure.feature(area);
        await allure.story(def.id.split('.')[1]);
        await allure.severity(ALLURE_SEVERITY[def.severity]);
        await allure.testCaseId(def.id);
        await allure.historyId(def.id);
        await allure.description(`${def.title}\n\n**${def.severity}** — ${def.rule}`);
        await allure.parameter('target', target, { excluded: true });
        await allure.parameter('profile', cfg.profile, { excluded: true });
        if (def.generated) await allure.parameter('seed', String(cfg.seed), { excluded: true });
        const r = await runCheckClassified(def, env, cfg.rerunFailed);
        if (r.flakiness) await allure.tag(r.flakiness);
        t.task.meta.dsc = r;
        for (const [i, x] of r.exchanges.entries()) {
          await allure.attachment(`exchange ${i + 1}: ${x.method} ${x.status ?? 'no answer'}`, `${JSON.stringify(x, null, 2)}\n\n${toCurl(x)}\n`, 'text/plain');
        }
        if (r.status === 'skipped' || r.status === 'unsupported') t.skip(`${r.status}: ${r.message ?? ''}`);
        if (r.status === 'fail') throw new ConformanceAssertionError(`[${def.severity}] ${def.id}: ${r.message}`);
        if (r.status === 'error') throw new HarnessFailure(`[harness] ${def.id}: ${r.message}`);
      });
    }
  });
}
