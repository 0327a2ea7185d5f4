/** Generation speed: valid bodies per second from the schema-compiled arbitraries, schema validations per second. */
import fc from 'fast-check';
import { validCreateBody } from '../generators/bodies.js';
import { schemas } from '../schemas/registry.js';

export function bodiesPerSecond(n: number, seed: number): number {
  const reg = schemas();
  const arb = validCreateBody(reg, 'dsc-20261203000000bench-');
  const started = performance.now();
  const bodies = fc.sample(arb, { numRuns: n, seed });
  const rate = bodies.length / ((performance.now() - started) / 1000);
  if (bodies.length !== n) throw new Error(`bench: sampled ${bodies.length} of ${n} bodies`);
  return rate;
}

export function validationsPerSecond(n: number, seed: number): number {
  const reg = schemas();
  const bodies = fc.sample(validCreateBody(reg, 'dsc-20261203000000bench-'), { numRuns: 500, seed });
  reg.check('dataShareOutgoingFlow.create', bodies[0]); // compile outside the timing
  let invalid = 0;
  const started = performance.now();
  for (let i = 0; i < n; i++) if (reg.check('dataShareOutgoingFlow.create', bodies[i % bodies.length]).length) invalid += 1;
  const rate = n / ((performance.now() - started) / 1000);
  if (invalid) throw new Error(`bench: ${invalid} generated bodies failed their schema`);
  return rate;
}
