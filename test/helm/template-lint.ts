/**
 * Small, dependency-free checks of Helm (Go text/template) sources, used by chart.spec.ts so that
 * they run without a helm binary (helm-binary.spec.ts runs the real one): action delimiters and
 * block keywords balance, and which `.Values` paths a template reads.
 */

export interface TemplateAction {
  /** Text between the delimiters, without trim markers and surrounding spaces. */
  body: string;
  /** 1-based line of the opening `{{`. */
  line: number;
  start: number;
  end: number;
}

const OPENERS = new Set(['if', 'range', 'with', 'define', 'block']);

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text[i] === '\n') line++;
  return line;
}

/** Strips `{{-` / `-}}` trim markers (a trim marker is a dash followed or preceded by a space). */
function innerBody(raw: string): string {
  let s = raw;
  if (/^-\s/.test(s)) s = s.slice(1);
  if (/\s-$/.test(s)) s = s.slice(0, -1);
  return s.trim();
}

/**
 * Splits a template into its actions. Comments (`{{/* ... *\/}}`) may span lines; string and
 * raw-string literals inside an action may contain `}}`. Problems are appended to `errors`.
 */
export function scanActions(text: string, errors: string[] = []): TemplateAction[] {
  const actions: TemplateAction[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    const stray = text.indexOf('}}', i);
    if (stray !== -1 && (open === -1 || stray < open)) {
      errors.push(`line ${lineAt(text, stray)}: "}}" without a matching "{{"`);
      i = stray + 2;
      continue;
    }
    if (open === -1) break;
    let j = open + 2;
    const afterTrim = /^-\s/.test(text.slice(j, j + 2)) ? j + 1 : j;
    const rest = text.slice(afterTrim).trimStart();
    let close = -1;
    if (rest.startsWith('/*')) {
      const endComment = text.indexOf('*/', afterTrim);
      const m = endComment === -1 ? null : /^\*\/\s*-?\s*}}/.exec(text.slice(endComment));
      if (m) close = endComment + m[0].length - 2;
    } else {
      let quote: string | null = null;
      for (; j < text.length; j++) {
        const c = text[j];
        if (quote) {
          if (c === '\\' && quote !== '`') j++;
          else if (c === quote) quote = null;
          continue;
        }
        if (c === '"' || c === '`' || c === "'") quote = c;
        else if (c === '{' && text[j + 1] === '{') break;
        else if (c === '}' && text[j + 1] === '}') {
          close = j;
          break;
        }
      }
    }
    if (close === -1) {
      errors.push(`line ${lineAt(text, open)}: "{{" is never closed`);
      i = open + 2;
      continue;
    }
    actions.push({ body: innerBody(text.slice(open + 2, close)), line: lineAt(text, open), start: open, end: close + 2 });
    i = close + 2;
  }
  return actions;
}

/**
 * Returns the balance problems of a template: unclosed or stray delimiters, `end` without an
 * opener, `else` outside if/with/range, and openers never closed. Empty means balanced.
 */
export function checkTemplateBalance(text: string): string[] {
  const errors: string[] = [];
  const stack: { keyword: string; line: number }[] = [];
  for (const action of scanActions(text, errors)) {
    if (action.body.startsWith('/*')) continue;
    const keyword = /^([a-z]+)\b/.exec(action.body)?.[1];
    if (keyword === undefined) continue;
    if (OPENERS.has(keyword)) {
      stack.push({ keyword, line: action.line });
    } else if (keyword === 'end') {
      if (!stack.pop()) errors.push(`line ${action.line}: "end" without an open block`);
    } else if (keyword === 'else') {
      const top = stack[stack.length - 1];
      if (!top || !['if', 'with', 'range'].includes(top.keyword)) errors.push(`line ${action.line}: "else" outside if/with/range`);
    }
  }
  for (const open of stack) errors.push(`line ${open.line}: "${open.keyword}" is never closed with "end"`);
  return errors;
}

/**
 * The YAML skeleton of a template: lines holding only actions are dropped (control flow and
 * `include ... | nindent` lines), remaining actions become a placeholder scalar.
 */
export function yamlSkeleton(text: string, placeholder = 'TPL'): string {
  const actions = scanActions(text);
  let out = '';
  let last = 0;
  for (const a of actions) {
    out += text.slice(last, a.start) + '\uE000';
    last = a.end;
  }
  out += text.slice(last);
  return out
    .split('\n')
    .filter((line) => line.replace(/\uE000/g, '').trim() !== '' || !line.includes('\uE000'))
    .map((line) => line.replace(/\uE000/g, placeholder))
    .join('\n');
}

/**
 * Every `.Values.a.b` path a template reads, including through variables bound to a values
 * subtree (`$np := .Values.networkPolicy` then `$np.dns.enabled`).
 */
export function valuesPaths(text: string): string[][] {
  const paths: string[][] = [];
  const aliases = new Map<string, string[]>();
  for (const a of scanActions(text)) {
    const bind = /^\$([A-Za-z_]\w*)\s*:=\s*\.Values((?:\.[A-Za-z_]\w*)*)\s*$/.exec(a.body);
    if (bind) aliases.set(bind[1], bind[2].split('.').filter(Boolean));
    for (const m of a.body.matchAll(/(?:^|[\s($|])\.Values((?:\.[A-Za-z_]\w*)+)/g)) paths.push(m[1].split('.').filter(Boolean));
    for (const m of a.body.matchAll(/\$([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)+)/g)) {
      const base = aliases.get(m[1]);
      if (base) paths.push([...base, ...m[2].split('.').filter(Boolean)]);
    }
  }
  return paths;
}
