import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The shell examples of the documentation, as the doc test (test/docs.integration-spec.ts) reads,
 * runs and checks them.
 *
 * - A fenced block calls the API when it runs `curl` or names the server's address
 *   (`localhost:8080`, `127.0.0.1:8080`, `0.0.0.0:8080`, `$BASE`, the second deployment
 *   `facenition-b.internal`). Such a block must be a ```sh (or bash) block and runs, unless the line
 *   before it is `<!-- doc-test: skip (reason) -->`. Blocks that do not call the API (installation,
 *   systemd, kubectl, benchmarks) are not run.
 * - `# -> <answer>` (on its own line, or at the end of the command's last line) is the answer of
 *   the API call above it: JSON in which `…` or `...` as a value or inside a string means any value,
 *   and as a member or last element means "more may follow"; without it an object must have exactly
 *   the keys shown. Numbers match at the precision shown (0.77 matches 0.7687). An optional status
 *   in front (`# -> 409 {...}`) says the call is expected to fail; any other non-2xx answer fails.
 */

export const DOC_ROOT = join(__dirname, '../..');

export interface Block {
  page: string;
  /** 1-based line of the opening fence. */
  fence: number;
  lang: string;
  /** Lines between the fences; line i is page line fence + 1 + i. */
  lines: string[];
  skip?: string;
  callsApi: boolean;
}

export interface PageScan {
  blocks: Block[];
  problems: string[];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const MARKER = /^\s*<!--\s*doc-test:(.*?)-->\s*$/;
const SKIP = /^\s*skip\s*\((.*\S.*)\)\s*$/;
export const SHELL_LANGS = new Set(['sh', 'bash', 'shell']);
const CURL_COMMAND = /(^|[\s;|&(`{])curl\s/m;
const SERVER_ADDRESS = /\b(localhost|127\.0\.0\.1|0\.0\.0\.0):8080\b|facenition-b\.internal|\$\{?BASE\b/;

export function callsApi(text: string): boolean {
  return CURL_COMMAND.test(text) || SERVER_ADDRESS.test(text);
}

export function scanPage(page: string, text: string): PageScan {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  const problems: string[] = [];
  const attached = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const close = new RegExp(`^\\s*${open[2][0]}{${open[2].length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end])) end++;
    const body = lines.slice(i + 1, end).map((l) => (l.startsWith(open[1]) ? l.slice(open[1].length) : l));
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    let skip: string | undefined;
    const marker = before >= 0 ? MARKER.exec(lines[before]) : null;
    if (marker) {
      attached.add(before);
      const reason = SKIP.exec(marker[1]);
      if (reason) skip = reason[1].trim();
      else problems.push(`${page}:${before + 1}: unknown doc-test marker '${marker[0].trim()}' (known: <!-- doc-test: skip (reason) -->)`);
    }
    blocks.push({ page, fence: i + 1, lang: open[3].toLowerCase(), lines: body, skip, callsApi: callsApi(body.join('\n')) });
    i = end;
  }
  lines.forEach((l, n) => {
    if (/doc-test:/.test(l) && MARKER.test(l) && !attached.has(n)) {
      problems.push(`${page}:${n + 1}: doc-test marker not directly above a fenced block`);
    }
  });
  return { blocks, problems };
}

/** Every Markdown page of the repository (not dependencies or build output), relative to the root. */
export function markdownPages(root = DOC_ROOT): string[] {
  const skipAnywhere = new Set(['node_modules', '.git']);
  const skipAtRoot = new Set(['dist', 'coverage', 'bundle', 'models', 'data', '.bench']);
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!skipAnywhere.has(e.name) && !(dir === root && skipAtRoot.has(e.name))) walk(join(dir, e.name));
      } else if (e.name.endsWith('.md')) out.push(relative(root, join(dir, e.name)));
    }
  };
  walk(root);
  return out.sort();
}

export const readPage = (page: string): string => readFileSync(join(DOC_ROOT, page), 'utf8');

// ---------- answers ----------

export type Pattern =
  | { kind: 'any' }
  | { kind: 'literal'; value: string | boolean | null }
  | { kind: 'number'; value: number; decimals: number }
  | { kind: 'object'; entries: [string, Pattern][]; open: boolean }
  | { kind: 'array'; items: Pattern[]; open: boolean };

export interface Answer {
  status?: number;
  body?: Pattern;
}

const ANSWER_COMMENT = /(?:^|\s)# -> (.*)$/;

/** The `# -> …` answer on a line, if any (the text after the arrow). */
export function answerOf(line: string): string | undefined {
  const m = ANSWER_COMMENT.exec(line);
  return m ? m[1].trim() : undefined;
}

/** A comment that shows a JSON answer without the `# -> ` arrow would silently go unchecked. */
export const looksLikeUncheckedAnswer = (line: string): boolean => /(^|\s)#(?!\s*->)\s*\{\s*"/.test(line);

export function parseAnswer(text: string): Answer {
  const m = /^(\d{3})(?:\s+(.*))?$/.exec(text);
  if (m) return { status: Number(m[1]), body: m[2] ? parsePattern(m[2]) : undefined };
  return { body: parsePattern(text) };
}

/** JSON, plus `…` / `...` as a value (any), a member or a last element (more may follow). */
export function parsePattern(text: string): Pattern {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`answer pattern: ${what} at column ${i + 1} of ${text}`);
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const rest = (): boolean => {
    ws();
    if (text.startsWith('...', i)) {
      i += 3;
      return true;
    }
    if (text[i] === '…') {
      i += 1;
      return true;
    }
    return false;
  };
  const str = (): string => {
    const m = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(i));
    if (!m) fail('unterminated string');
    i += m![0].length;
    return JSON.parse(m![0]) as string;
  };
  const value = (): Pattern => {
    ws();
    if (rest()) return { kind: 'any' };
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: [string, Pattern][] = [];
      let open = false;
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', entries, open };
      }
      for (;;) {
        if (rest()) open = true;
        else {
          ws();
          if (text[i] !== '"') fail('expected a key');
          const key = str();
          ws();
          if (text[i] !== ':') fail("expected ':'");
          i++;
          entries.push([key, value()]);
        }
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return { kind: 'object', entries, open };
        } else fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const items: Pattern[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', items, open: false };
      }
      for (;;) {
        if (rest()) {
          ws();
          if (text[i] !== ']') fail("'…' only as the last element of an array");
          i++;
          return { kind: 'array', items, open: true };
        }
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return { kind: 'array', items, open: false };
        } else fail("expected ',' or ']'");
      }
    }
    if (c === '"') {
      const s = str();
      return s.includes('…') || s.includes('...') ? { kind: 'any' } : { kind: 'literal', value: s };
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { kind: 'literal', value: v };
      }
    }
    const num = /^-?\d+(?:\.(\d+))?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (num) {
      i += num[0].length;
      return { kind: 'number', value: Number(num[0]), decimals: num[1]?.length ?? 0 };
    }
    return fail('unexpected character');
  };
  const p = value();
  ws();
  if (i < text.length) fail('trailing text');
  return p;
}

/** Differences between an answer and its pattern, as "path: expected …, got …" lines (empty = match). */
export function mismatches(p: Pattern, actual: unknown, path = '$'): string[] {
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 120) ?? String(v);
  switch (p.kind) {
    case 'any':
      return [];
    case 'literal':
      return actual === p.value ? [] : [`${path}: expected ${show(p.value)}, got ${show(actual)}`];
    case 'number': {
      if (typeof actual !== 'number') return [`${path}: expected a number (${p.value}), got ${show(actual)}`];
      return Math.abs(actual - p.value) <= 0.5 * 10 ** -p.decimals + 1e-9 ? [] : [`${path}: expected ${p.value}, got ${actual}`];
    }
    case 'object': {
      if (typeof actual !== 'object' || actual === null || Array.isArray(actual))
        return [`${path}: expected an object, got ${show(actual)}`];
      const obj = actual as Record<string, unknown>;
      const out: string[] = [];
      for (const [k, v] of p.entries) {
        if (!(k in obj)) out.push(`${path}.${k}: missing`);
        else out.push(...mismatches(v, obj[k], `${path}.${k}`));
      }
      if (!p.open) {
        const extra = Object.keys(obj).filter((k) => !p.entries.some(([e]) => e === k));
        if (extra.length) out.push(`${path}: unexpected key(s) ${extra.join(', ')} (end the object with '…' if more may follow)`);
      }
      return out;
    }
    case 'array': {
      if (!Array.isArray(actual)) return [`${path}: expected an array, got ${show(actual)}`];
      if (p.open ? actual.length < p.items.length : actual.length !== p.items.length) {
        return [`${path}: expected ${p.open ? 'at least ' : ''}${p.items.length} element(s), got ${actual.length}`];
      }
      return p.items.flatMap((item, n) => mismatches(item, actual[n], `${path}[${n}]`));
    }
  }
}
