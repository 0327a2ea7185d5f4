/** Summaries of repeated measurements: every figure is a median with its min and max. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(samples: number[], digits = 2): Summary {
  if (!samples.length) throw new Error('no samples to summarize');
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  const r = (x: number) => Number(x.toFixed(digits));
  return { median: r(median), min: r(s[0]), max: r(s.at(-1)!), n: s.length };
}

export const fmt = (x: Summary, unit = '') => `${x.median}${unit} (${x.min}–${x.max}, n=${x.n})`;

/** Runs `fn` `n` times, one after the other, and returns its results. */
export async function repeat<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn(i));
  return out;
}
