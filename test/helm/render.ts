/**
 * A small renderer for the Go text/template + Sprig subset the chart uses, so chart.spec.ts can
 * render templates for given values without a helm binary. It follows Helm where the chart relies
 * on it: `{{-`/`-}}` trimming, if/else if/else, with, range (lists and maps, with else), variables
 * (`:=`, `=`, `$`), define/include, missing values printing as nothing, and an error on reading a
 * field of a missing map (Helm's "nil pointer evaluating"). Unknown functions are errors, so a
 * template using something new fails the tests instead of rendering wrongly.
 */
import { stringify } from 'yaml';
import { scanActions } from './template-lint';

type Value = unknown;
type Dict = Record<string, Value>;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; body: string; line: number }
  | { kind: 'if' | 'with'; branches: { cond: string | null; body: Node[] }[] }
  | { kind: 'range'; expr: string; body: Node[]; otherwise: Node[] };

export class RenderError extends Error {}

const isDict = (v: Value): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Go template truth: false, 0, nil and empty strings, lists and maps are false. */
function truthy(v: Value): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

function show(v: Value): string {
  if (v === undefined || v === null) return ''; // Helm turns "<no value>" into nothing
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(' ')}]`;
  return `map[${Object.keys(v as Dict)
    .sort()
    .map((k) => `${k}:${show((v as Dict)[k])}`)
    .join(' ')}]`;
}

// ---- parsing templates into trees

interface Segment {
  text?: string;
  action?: { body: string; line: number };
}

/** Text and actions in order, with the whitespace that `{{-` and `-}}` remove already removed. */
function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  let trimNext = false;
  for (const a of scanActions(text)) {
    let before = text.slice(last, a.start);
    if (trimNext) before = before.replace(/^\s+/, '');
    if (/^\{\{-\s/.test(text.slice(a.start, a.start + 4))) before = before.replace(/\s+$/, '');
    out.push({ text: before });
    if (!a.body.startsWith('/*')) out.push({ action: { body: a.body, line: a.line } });
    trimNext = /\s-\}\}$/.test(text.slice(a.end - 4, a.end));
    last = a.end;
  }
  out.push({ text: trimNext ? text.slice(last).replace(/^\s+/, '') : text.slice(last) });
  return out;
}

/** Parses a template file into its body and the named templates it defines. */
function parseTemplate(text: string, name: string): { body: Node[]; defines: Map<string, Node[]> } {
  const defines = new Map<string, Node[]>();
  const segs = segments(text);
  let i = 0;
  // returns at end/else (leaving it for the caller) or at the end of input
  const parseList = (): { nodes: Node[]; stop?: { keyword: string; rest: string; line: number } } => {
    const nodes: Node[] = [];
    while (i < segs.length) {
      const s = segs[i++];
      if (s.text !== undefined) {
        if (s.text) nodes.push({ kind: 'text', text: s.text });
        continue;
      }
      const { body, line } = s.action!;
      const m = /^(if|with|range|define|else|end|block|template)\b\s*([\s\S]*)$/.exec(body);
      if (!m) {
        nodes.push({ kind: 'action', body, line });
        continue;
      }
      const [, keyword, rest] = m;
      if (keyword === 'end' || keyword === 'else') return { nodes, stop: { keyword, rest, line } };
      if (keyword === 'block' || keyword === 'template') throw new RenderError(`${name}:${line}: "${keyword}" is not supported`);
      if (keyword === 'define') {
        const defName = /^"([^"]+)"$/.exec(rest)?.[1];
        if (!defName) throw new RenderError(`${name}:${line}: bad define`);
        const inner = parseList();
        if (inner.stop?.keyword !== 'end') throw new RenderError(`${name}:${line}: define "${defName}" is not closed`);
        defines.set(defName, inner.nodes);
        continue;
      }
      if (keyword === 'range') {
        const inner = parseList();
        let otherwise: Node[] = [];
        if (inner.stop?.keyword === 'else') {
          const tail = parseList();
          otherwise = tail.nodes;
          if (tail.stop?.keyword !== 'end') throw new RenderError(`${name}:${line}: range is not closed`);
        } else if (inner.stop?.keyword !== 'end') throw new RenderError(`${name}:${line}: range is not closed`);
        nodes.push({ kind: 'range', expr: rest, body: inner.nodes, otherwise });
        continue;
      }
      // if / with, with "else if" / "else with" chains
      const branches: { cond: string | null; body: Node[] }[] = [];
      let cond: string | null = rest;
      for (;;) {
        const inner = parseList();
        branches.push({ cond, body: inner.nodes });
        if (inner.stop?.keyword === 'end') break;
        if (inner.stop?.keyword !== 'else') throw new RenderError(`${name}:${line}: ${keyword} is not closed`);
        const chained = new RegExp(`^${keyword}\\s+([\\s\\S]+)$`).exec(inner.stop.rest);
        if (inner.stop.rest && !chained) throw new RenderError(`${name}:${inner.stop.line}: unsupported "else ${inner.stop.rest}"`);
        cond = chained ? chained[1] : null;
        if (cond === null) {
          const last = parseList();
          branches.push({ cond: null, body: last.nodes });
          if (last.stop?.keyword !== 'end') throw new RenderError(`${name}:${line}: ${keyword} is not closed`);
          break;
        }
      }
      nodes.push({ kind: keyword as 'if' | 'with', branches });
    }
    return { nodes };
  };
  const top = parseList();
  if (top.stop) throw new RenderError(`${name}:${top.stop.line}: "${top.stop.keyword}" without an open block`);
  return { body: top.nodes, defines };
}

// ---- expressions

type Token =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'field'; path: string[] }
  | { t: 'var'; name: string; path: string[] }
  | { t: 'ident'; v: string }
  | { t: '(' | ')' | '|' | ':=' | '=' | ',' };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const fields = (s: string) => s.split('.').filter(Boolean);
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\s+/.exec(rest))) i += m[0].length;
    else if ((m = /^"((?:[^"\\]|\\.)*)"/.exec(rest))) {
      out.push({ t: 'str', v: JSON.parse(`"${m[1]}"`) as string });
      i += m[0].length;
    } else if ((m = /^`([^`]*)`/.exec(rest))) {
      out.push({ t: 'str', v: m[1] });
      i += m[0].length;
    } else if ((m = /^-?\d+(\.\d+)?/.exec(rest))) {
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if ((m = /^\$([A-Za-z_]\w*)?((?:\.[A-Za-z_]\w*)*)/.exec(rest))) {
      out.push({ t: 'var', name: m[1] ?? '', path: fields(m[2]) });
      i += m[0].length;
    } else if ((m = /^\.((?:[A-Za-z_]\w*)(?:\.[A-Za-z_]\w*)*)?/.exec(rest))) {
      out.push({ t: 'field', path: fields(m[1] ?? '') });
      i += m[0].length;
    } else if ((m = /^[A-Za-z_]\w*/.exec(rest))) {
      out.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    } else if ((m = /^(:=|[()|=,])/.exec(rest))) {
      out.push({ t: m[0] as ':=' | '(' | ')' | '|' | '=' | ',' });
      i += m[0].length;
    } else throw new RenderError(`cannot read "${rest}"`);
  }
  return out;
}

class Vars {
  private readonly own = new Map<string, Value>();
  constructor(private readonly parent?: Vars) {}
  declare(name: string, v: Value): void {
    this.own.set(name, v);
  }
  assign(name: string, v: Value): void {
    if (this.own.has(name)) this.own.set(name, v);
    else if (this.parent) this.parent.assign(name, v);
    else throw new RenderError(`undefined variable $${name}`);
  }
  get(name: string): Value {
    if (this.own.has(name)) return this.own.get(name);
    if (this.parent) return this.parent.get(name);
    throw new RenderError(`undefined variable $${name}`);
  }
}

interface Scope {
  dot: Value;
  vars: Vars;
}

function walk(base: Value, path: string[], what: string): Value {
  let node = base;
  for (const key of path) {
    if (!isDict(node)) throw new RenderError(`nil pointer evaluating ${what}.${key}`);
    node = node[key];
  }
  return node;
}

export interface ChartSource {
  /** Template file name (relative to templates/) to its text; _helpers.tpl included. */
  templates: Record<string, string>;
  chart: Dict;
}

/** Renders every template of a chart for the given (already merged) values. */
export function renderChart(
  source: ChartSource,
  values: Dict,
  release: { name?: string; namespace?: string } = {},
): Record<string, string> {
  const parsed = Object.entries(source.templates).map(([name, text]) => ({ name, ...parseTemplate(text, name) }));
  const defines = new Map<string, Node[]>();
  for (const p of parsed) for (const [k, v] of p.defines) defines.set(k, v);
  const chart = Object.fromEntries(Object.entries(source.chart).map(([k, v]) => [k[0].toUpperCase() + k.slice(1), v]));
  const root: Dict = {
    Values: values,
    Release: { Name: release.name ?? 'facenition', Namespace: release.namespace ?? 'facenition', Service: 'Helm', IsInstall: true },
    Chart: chart,
  };

  const fail = (msg: string): never => {
    throw new RenderError(msg);
  };
  const functions: Record<string, (...args: Value[]) => Value> = {
    // inside an included template, $ is the argument it was given
    include: (name, dot) => render(defines.get(String(name)) ?? fail(`no template "${String(name)}"`), { dot, vars: rootOf(dot) }),
    toYaml: (v) => (v === undefined || v === null ? 'null' : stringify(v).replace(/\n$/, '')),
    indent: (n, s) => String(s).replace(/^/gm, ' '.repeat(Number(n))),
    nindent: (n, s) => '\n' + String(s).replace(/^/gm, ' '.repeat(Number(n))),
    quote: (...args) =>
      args
        .filter((a) => a !== undefined && a !== null)
        .map((a) => JSON.stringify(show(a)))
        .join(' '),
    required: (msg, v) => (v === undefined || v === null || v === '' ? fail(String(msg)) : v),
    default: (def, v) => (truthy(v) ? v : def),
    printf: (format, ...args) => {
      let k = 0;
      return String(format).replace(/%[sdv%]/g, (spec) => (spec === '%%' ? '%' : show(args[k++])));
    },
    print: (...args) => args.map(show).join(''),
    toString: (v: Value) => show(v),
    trunc: (n, s) => String(s).slice(0, Number(n)),
    trimSuffix: (suffix, s) => (String(s).endsWith(String(suffix)) ? String(s).slice(0, -String(suffix).length) : String(s)),
    replace: (a, b, s) => String(s).split(String(a)).join(String(b)),
    contains: (sub, s) => String(s).includes(String(sub)),
    has: (needle, list) => Array.isArray(list) && list.includes(needle),
    not: (v) => !truthy(v),
    and: (...args) => args.find((a) => !truthy(a)) ?? args[args.length - 1],
    or: (...args) => args.find((a) => truthy(a)) ?? args[args.length - 1],
    eq: (a, ...rest) => rest.some((b) => a === b),
    ne: (a, b) => a !== b,
    gt: (a, b) => Number(a) > Number(b),
    lt: (a, b) => Number(a) < Number(b),
    int: (v) => Math.trunc(Number(v ?? 0)),
    add: (...args) => args.reduce<number>((sum, a) => sum + Math.trunc(Number(a ?? 0)), 0),
    mul: (...args) => args.reduce<number>((product, a) => product * Math.trunc(Number(a ?? 0)), 1),
    empty: (v) => !truthy(v),
    list: (...args) => args,
    append: (list, v) => [...(Array.isArray(list) ? (list as Value[]) : []), v],
    join: (sep, list) => (Array.isArray(list) ? list.map(show).join(String(sep)) : show(list)),
    dict: (...args) => {
      const d: Dict = {};
      for (let k = 0; k + 1 < args.length; k += 2) d[String(args[k])] = args[k + 1];
      return d;
    },
    fail: (msg) => fail(String(msg)),
  };
  const rootOf = (dot: Value): Vars => {
    const vars = new Vars();
    vars.declare('', dot);
    return vars;
  };

  /** Evaluates a pipeline; declarations (`$x := ...`, `$x = ...`) bind and return the value. */
  function evaluate(src: string, scope: Scope): Value {
    const tokens = tokenize(src);
    let pos = 0;
    const peek = () => tokens[pos];
    const operand = (): Value => {
      const tok = tokens[pos++];
      switch (tok?.t) {
        case 'str':
        case 'num':
          return tok.v;
        case 'field':
          return walk(scope.dot, tok.path, '.');
        case 'var':
          return walk(scope.vars.get(tok.name), tok.path, `$${tok.name}`);
        case '(': {
          const v = pipeline();
          if (tokens[pos++]?.t !== ')') throw new RenderError(`missing ")" in ${src}`);
          return v;
        }
        case 'ident':
          if (tok.v === 'true' || tok.v === 'false') return tok.v === 'true';
          if (tok.v === 'nil') return null;
          throw new RenderError(`function ${tok.v} used as a value in ${src}`);
        case ')':
        case '|':
        case ':=':
        case '=':
        case ',':
        case undefined:
          throw new RenderError(`unexpected token in ${src}`);
      }
    };
    const command = (piped: Value[]): Value => {
      const head = peek();
      if (head?.t === 'ident' && !['true', 'false', 'nil'].includes(head.v)) {
        pos++;
        const fn = functions[head.v] ?? fail(`unsupported function "${head.v}" in ${src}`);
        const args: Value[] = [];
        while (pos < tokens.length && !['|', ')'].includes(peek().t)) args.push(operand());
        return fn(...args, ...piped);
      }
      const v = operand();
      if (piped.length) throw new RenderError(`cannot pipe into a value in ${src}`);
      return v;
    };
    const pipeline = (): Value => {
      let v = command([]);
      while (peek()?.t === '|') {
        pos++;
        v = command([v]);
      }
      return v;
    };
    const first = tokens[0];
    if (first?.t === 'var' && first.path.length === 0 && (tokens[1]?.t === ':=' || tokens[1]?.t === '=')) {
      pos = 2;
      const v = pipeline();
      if (tokens[1].t === ':=') scope.vars.declare(first.name, v);
      else scope.vars.assign(first.name, v);
      return v;
    }
    const v = pipeline();
    if (pos !== tokens.length) throw new RenderError(`unexpected tokens at the end of ${src}`);
    return v;
  }

  function render(nodes: Node[], scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out += node.text;
          break;
        case 'action': {
          const declaration = /^\$\w*\s*:?=/.test(node.body);
          const v = evaluate(node.body, scope);
          if (!declaration) out += show(v);
          break;
        }
        case 'if':
        case 'with': {
          const inner: Scope = { dot: scope.dot, vars: new Vars(scope.vars) };
          for (const b of node.branches) {
            const v = b.cond === null ? true : evaluate(b.cond, inner);
            if (b.cond !== null && !truthy(v)) continue;
            out += render(b.body, node.kind === 'with' && b.cond !== null ? { dot: v, vars: inner.vars } : inner);
            break;
          }
          break;
        }
        case 'range': {
          const m = /^\$(\w+)\s*(?:,\s*\$(\w+)\s*)?:=\s*([\s\S]+)$/.exec(node.expr);
          const collection = evaluate(m ? m[3] : node.expr, scope);
          const entries: [Value, Value][] = Array.isArray(collection)
            ? collection.map((v, k) => [k, v])
            : isDict(collection)
              ? Object.keys(collection)
                  .sort()
                  .map((k) => [k, collection[k]])
              : truthy(collection)
                ? fail(`range over ${typeof collection} in ${node.expr}`)
                : [];
          if (!entries.length) out += render(node.otherwise, { dot: scope.dot, vars: new Vars(scope.vars) });
          for (const [key, value] of entries) {
            const vars = new Vars(scope.vars);
            if (m && m[2]) {
              vars.declare(m[1], key);
              vars.declare(m[2], value);
            } else if (m) vars.declare(m[1], value);
            out += render(node.body, { dot: value, vars });
          }
          break;
        }
      }
    }
    return out;
  }

  const rendered: Record<string, string> = {};
  for (const p of parsed) {
    if (p.name.endsWith('.tpl')) continue;
    rendered[p.name] = render(p.body, { dot: root, vars: rootOf(root) });
  }
  return rendered;
}
