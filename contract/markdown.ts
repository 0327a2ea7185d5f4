/** Parser for the Microsoft Graph docs markdown dialect (resource and API pages). */

export interface DocProperty {
  name: string;
  /** Type as written, e.g. `String`, `readinessStatus`, `microsoft.graph.industryData.run`. */
  type: string;
  collection: boolean;
  description: string;
  /** Members listed in "The possible values are: ...". */
  enumValues?: string[];
  /** "Required." / "Optional." at the end of a request-body row; undefined on resource pages. */
  requirement?: 'required' | 'optional';
  readOnly: boolean;
  /** The type was rendered as "** Unknown Type `x` **" by the generator. */
  unknownType: boolean;
}

export interface DocPage {
  file: string;
  title?: string;
  docType?: string;
  namespace?: string;
  description?: string;
  abstract: boolean;
  inheritsFrom?: string;
  /** The `<!-- { "blockType": "resource", ... } -->` annotation, when the page has one. */
  resource?: { odataType: string; baseType?: string; keyProperty?: string; openType?: boolean };
  /** Section heading -> table rows (only the first table of a section). */
  tables: Record<string, DocProperty[]>;
  /** `METHOD path` lines of the "HTTP request" section. */
  httpRequests: { method: string; path: string }[];
  /** Success status from "returns a `201 Created` response code". */
  successStatus?: number;
  /** JSON blocks of the examples in page order, with their annotation. */
  examples: { blockType: string; annotation: Record<string, unknown>; status?: number; body?: unknown; bodyText?: string }[];
  /** The JSON representation block of a resource page. */
  representation?: unknown;
}

export class DocParseError extends Error {}

const FRONT_MATTER = /^---\n([\s\S]*?)\n---\n/;

function frontMatter(text: string): Record<string, string> {
  const m = FRONT_MATTER.exec(text);
  if (!m) return {};
  const out: Record<string, string> = {};
  for (const line of m[1].split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim().replace(/^"|"$/g, '');
  }
  return out;
}

/** Splits the page into `## Heading` sections (level 2 and 3 both start a section). */
function sections(body: string): { heading: string; text: string }[] {
  const out: { heading: string; text: string }[] = [];
  let current = { heading: '', text: '' };
  for (const line of body.split('\n')) {
    const h = /^#{2,3}\s+(.*)$/.exec(line);
    if (h) {
      out.push(current);
      current = { heading: h[1].trim(), text: '' };
    } else current.text += `${line}\n`;
  }
  out.push(current);
  return out;
}

/**
 * Reads a pipe table. Generated pages break long cells over lines, so a line that does not
 * start with `|` continues the previous row.
 */
function tableRows(text: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim().startsWith('|'));
  if (start < 0) return [];
  const logical: string[] = [];
  for (let i = start; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === '') {
      // a blank line ends the table unless the previous row is still open (no closing pipe)
      if (logical.length && !logical[logical.length - 1].trim().endsWith('|')) continue;
      break;
    }
    if (l.trim().startsWith('|') && (logical.length === 0 || logical[logical.length - 1].trim().endsWith('|'))) logical.push(l.trim());
    else if (logical.length) logical[logical.length - 1] += ` ${l.trim()}`;
    else break;
  }
  const rows = logical.map((l) =>
    l
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split('|')
      .map((c) => c.trim()),
  );
  // drop header and the :--- separator
  return rows.filter((r, i) => i > 0 && !r.every((c) => /^:?-{3,}:?$/.test(c)));
}

const ENUM_LIST = /The possible values are:\s*((?:`[^`]+`(?:,\s*|\s+and\s+|\.)?\s*)+)/;

function parseTypeCell(cell: string): { type: string; collection: boolean; unknownType: boolean } {
  const unknown = /Unknown Type\s+`([^`]+)`/.exec(cell);
  const collection = /\bcollection\b/i.test(cell);
  if (unknown) return { type: unknown[1], collection, unknownType: true };
  const link = /\[([^\]]+)\]\([^)]*\)/.exec(cell);
  const raw = (link ? link[1] : cell).replace(/\bcollection\b/i, '').trim();
  return { type: raw, collection, unknownType: false };
}

function parseProperty(row: string[]): DocProperty | undefined {
  if (row.length < 3 || !row[0]) return undefined;
  const name = row[0].replace(/\*/g, '').trim();
  if (!/^[A-Za-z@][\w.@]*$/.test(name)) return undefined;
  const description = row.slice(2).join('|').trim();
  const { type, collection, unknownType } = parseTypeCell(row[1]);
  const enumMatch = ENUM_LIST.exec(description);
  const enumValues = enumMatch ? [...enumMatch[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]) : undefined;
  const tail = /\b(Required|Optional)\.?\s*$/.exec(description);
  return {
    name,
    type,
    collection,
    description,
    enumValues,
    requirement: tail ? (tail[1].toLowerCase() as 'required' | 'optional') : undefined,
    readOnly: /\bRead-only\b/i.test(description),
    unknownType,
  };
}

/** Parses an HTML comment annotation `<!-- { ... } -->` (JSON, sometimes with trailing garbage). */
function parseAnnotation(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function parseDocPage(file: string, text: string): DocPage {
  const norm = text.replace(/\r\n?/g, '\n');
  const fm = frontMatter(norm);
  const body = norm.replace(FRONT_MATTER, '');
  const page: DocPage = {
    file,
    title: fm.title,
    docType: fm.doc_type,
    description: fm.description,
    abstract: /This is an abstract type\./.test(body),
    tables: {},
    httpRequests: [],
    examples: [],
  };
  const ns = /^Namespace:\s*([\w.]+)/m.exec(body);
  if (ns) page.namespace = ns[1];
  const inh = /Inherits from \[([^\]]+)\]\(([^)]*)\)/.exec(body);
  if (inh) page.inheritsFrom = inh[1];

  for (const s of sections(body)) {
    const rows = tableRows(s.text);
    if (rows.length && /properties|relationships|request body/i.test(s.heading)) {
      page.tables[s.heading] = rows.map(parseProperty).filter((p): p is DocProperty => !!p);
    }
    if (/^HTTP request$/i.test(s.heading)) {
      for (const m of s.text.matchAll(/^(GET|POST|PATCH|PUT|DELETE)\s+(\S+)\s*$/gm)) page.httpRequests.push({ method: m[1], path: m[2] });
    }
    if (/^Response$/i.test(s.heading)) {
      const st = /returns an?\s+`(\d{3})[^`]*`\s+response code/.exec(s.text);
      if (st) page.successStatus = Number(st[1]);
    }
  }

  // Annotated code blocks: resource representation and request/response examples.
  const block = /<!--\s*(\{(?:(?!-->)[\s\S])*?\})\s*-->\s*```\s*(\w+)?\s*\n([\s\S]*?)```/g;
  for (const m of body.matchAll(block)) {
    const annotation = parseAnnotation(m[1]);
    if (!annotation) throw new DocParseError(`${file}: unreadable block annotation: ${m[1].slice(0, 80)}`);
    const blockType = String(annotation.blockType ?? '');
    const content = m[3];
    if (blockType === 'resource') {
      page.resource = {
        odataType: String(annotation['@odata.type'] ?? ''),
        baseType: annotation.baseType as string | undefined,
        keyProperty: annotation.keyProperty as string | undefined,
        openType: annotation.openType as boolean | undefined,
      };
      page.representation = tryJson(content);
    } else if (blockType === 'request' || blockType === 'response') {
      const status = /^HTTP\/1\.1\s+(\d{3})/m.exec(content);
      // HTTP message: the body follows the first blank line (URLs may hold `{id}` templates)
      const sep = content.search(/\n\s*\n/);
      const rest = sep >= 0 ? content.slice(sep).trim() : content.trim().startsWith('{') ? content.trim() : '';
      const bodyText = rest.startsWith('{') || rest.startsWith('[') ? rest : undefined;
      page.examples.push({ blockType, annotation, status: status ? Number(status[1]) : undefined, bodyText, body: bodyText ? tryJson(bodyText) : undefined });
    }
  }
  return page;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
