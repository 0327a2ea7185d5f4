/** A small OData $filter evaluator: `prop eq|ne 'literal'` joined by `and` / `or`, as the mock supports. */
export type Predicate = (e: Record<string, unknown>) => boolean;

export class FilterSyntaxError extends Error {}

const TOKEN = /\s*(?:(\()|(\))|'((?:[^']|'')*)'|(\w[\w/.]*))/y;

export function parseFilter(text: string, allowed: Set<string>): Predicate {
  const tokens: { kind: 'lp' | 'rp' | 'str' | 'word'; value: string }[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) throw new FilterSyntaxError(`unexpected character at position ${pos} in $filter`);
    pos = TOKEN.lastIndex;
    if (m[1]) tokens.push({ kind: 'lp', value: '(' });
    else if (m[2]) tokens.push({ kind: 'rp', value: ')' });
    else if (m[3] !== undefined) tokens.push({ kind: 'str', value: m[3].replace(/''/g, "'") });
    else tokens.push({ kind: 'word', value: m[4] });
  }
  let i = 0;
  const peek = () => tokens[i];
  const take = () => tokens[i++];
  const orExpr = (): Predicate => {
    let left = andExpr();
    while (peek()?.kind === 'word' && peek().value === 'or') {
      take();
      const l = left;
      const r = andExpr();
      left = (e) => l(e) || r(e);
    }
    return left;
  };
  const andExpr = (): Predicate => {
    let left = primary();
    while (peek()?.kind === 'word' && peek().value === 'and') {
      take();
      const l = left;
      const r = primary();
      left = (e) => l(e) && r(e);
    }
    return left;
  };
  const primary = (): Predicate => {
    const t = take();
    if (!t) throw new FilterSyntaxError('$filter ends early');
    if (t.kind === 'lp') {
      const inner = orExpr();
      if (take()?.kind !== 'rp') throw new FilterSyntaxError('missing ) in $filter');
      return inner;
    }
    if (t.kind !== 'word') throw new FilterSyntaxError(`expected a property name in $filter, got '${t.value}'`);
    if (!allowed.has(t.value)) throw new FilterSyntaxError(`property '${t.value}' cannot be used in $filter`);
    const op = take();
    if (op?.kind !== 'word' || (op.value !== 'eq' && op.value !== 'ne')) throw new FilterSyntaxError('only eq and ne are supported in $filter');
    const lit = take();
    if (!lit) throw new FilterSyntaxError('$filter ends early');
    let value: unknown;
    if (lit.kind === 'str') value = lit.value;
    else if (lit.kind === 'word' && lit.value === 'null') value = null;
    else throw new FilterSyntaxError(`expected a quoted literal in $filter, got '${lit.value}'`);
    const prop = t.value;
    return op.value === 'eq' ? (e) => (e[prop] ?? null) === value : (e) => (e[prop] ?? null) !== value;
  };
  const pred = orExpr();
  if (i < tokens.length) throw new FilterSyntaxError(`unexpected '${tokens[i].value}' in $filter`);
  return pred;
}
