/** String arbitraries that reach the hard cases a server's parsing, storage and echo must survive. */
import fc from 'fast-check';

/** Named classes of hard strings; the property tests check each class occurs within the default runs. */
export const HARD_SAMPLES: Record<string, string[]> = {
  accents: ['Crème brûlée', 'Ångström', 'Øresund ñandú'],
  cjk: ['データ共有', '数据共享流', '데이터 공유'],
  emoji: ['📦 share', '👩‍💻 team', '🇳🇴 flag'],
  rtl: ['مشاركة البيانات', 'שיתוף נתונים'],
  combining: ['e\u0301te\u0301', 'a\u0308\u0323', 'Z\u0351\u0352'],
  quotes: [`O'Brien "quoted"`, `it's`, '"'],
  backslashes: ['C:\\share\\path', '\\\\server', 'trail\\'],
  jsonSignificant: ['{"a":1}', '[],:', '}\n{'],
  whitespace: [' leading', 'trailing ', '\ttab\nnewline '],
};

/** The keys of a body whose value is an empty or whitespace-only string (which a service may refuse, DR 0007). */
export const blankKeys = (b: Record<string, unknown>): string[] => Object.keys(b).filter((k) => typeof b[k] === 'string' && (b[k] as string).trim() === '');

export type HardClass = keyof typeof HARD_SAMPLES | 'empty' | 'maxLength';

/** Code-point length, which is what JSON Schema maxLength counts. */
export const cpLength = (s: string) => [...s].length;
export const cpSlice = (s: string, n: number) => [...s].slice(0, n).join('');

export interface HardStringOptions {
  minLength?: number;
  maxLength?: number;
  /** fixed text every value starts with (the run marker) */
  prefix?: string;
}

/** Classifies a string into the hard classes it belongs to (for the coverage property). */
export function hardClassesOf(s: string, maxLength?: number): Set<HardClass> {
  const out = new Set<HardClass>();
  if (s === '') out.add('empty');
  if (maxLength !== undefined && cpLength(s) === maxLength) out.add('maxLength');
  if (/[À-ž]|\u00e8|\u00f1/.test(s)) out.add('accents');
  if (/[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]/.test(s)) out.add('cjk');
  if (/\p{Extended_Pictographic}/u.test(s)) out.add('emoji');
  if (/[\u0590-\u06ff]/.test(s)) out.add('rtl');
  if (/[\u0300-\u036f]/.test(s)) out.add('combining');
  if (/['"]/.test(s)) out.add('quotes');
  if (s.includes('\\')) out.add('backslashes');
  if (/[{}[\]:,\u0000-\u001f]/.test(s)) out.add('jsonSignificant');
  if (/^\s|\s$/.test(s)) out.add('whitespace');
  return out;
}

export function hardString(opts: HardStringOptions = {}): fc.Arbitrary<string> {
  const prefix = opts.prefix ?? '';
  const min = Math.max(0, (opts.minLength ?? 0) - cpLength(prefix));
  const max = opts.maxLength === undefined ? 60 : opts.maxLength - cpLength(prefix);
  if (max < min) throw new Error(`prefix "${prefix}" leaves no room under maxLength ${opts.maxLength}`);
  const samples = Object.values(HARD_SAMPLES).flat();
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...samples) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );
  const toLength = (s: string) => {
    let body = cpSlice(s, max);
    if (cpLength(body) < min) body = body + 'x'.repeat(min - cpLength(body));
    return prefix + body;
  };
  const options: fc.WeightedArbitrary<string>[] = [
    { weight: 6, arbitrary: fc.array(piece, { minLength: 1, maxLength: 4 }).map((parts) => toLength(parts.join(' '))) },
    { weight: 1, arbitrary: fc.constant(toLength('')) },
  ];
  if (opts.maxLength !== undefined) {
    // exactly at the limit, made of multi-unit characters so code points and UTF-16 units differ
    options.push({ weight: 1, arbitrary: fc.constantFrom('é', '数', '😀', 'a').map((ch) => prefix + ch.repeat(max)) });
  }
  return fc.oneof(...options);
}
