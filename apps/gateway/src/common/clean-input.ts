import { badRequest } from './api-error';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_DEPTH = 16;
const MAX_KEY_LENGTH = 100;

/** Client text fit for an error message: control characters shown as '?', at most 100 characters. */
export const printable = (name: string): string => withoutControls(name.slice(0, MAX_KEY_LENGTH));

/** Control characters (C0, DEL, C1) replaced by '?'. */
export const withoutControls = (text: string): string =>
  Array.from(text, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 || (code >= 0x7f && code <= 0x9f) ? '?' : c;
  }).join('');

/**
 * The edge check every request body and query string passes once, before any handler: strings
 * (values and field names) must be well-formed Unicode (no lone UTF-16 surrogate, which would
 * otherwise collapse to U+FFFD and make different secrets equal) and hold no NUL (PostgreSQL
 * refuses it in text), field names are bounded, and nesting is shallow. Messages name the field,
 * never echo the value. Iterative, so deep nesting cannot exhaust the stack.
 */
export function assertCleanInput(root: unknown, what: 'body' | 'query'): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    const name = printable(path || what);
    if (typeof value === 'string') {
      if (value.includes('\u0000')) throw badRequest(`'${name}' contains a NUL character`, 'invalid_field');
      if (LONE_SURROGATE.test(value)) {
        throw badRequest(`'${name}' is not well-formed Unicode (it holds a lone UTF-16 surrogate)`, 'invalid_field');
      }
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_DEPTH) throw badRequest(`'${name}' is nested too deeply`, 'invalid_field');
    const isArray = Array.isArray(value);
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (!isArray) {
        if (key.length > MAX_KEY_LENGTH)
          throw badRequest(`a field name in '${name}' is longer than ${MAX_KEY_LENGTH} characters`, 'invalid_field');
        if (key.includes('\u0000') || LONE_SURROGATE.test(key)) {
          throw badRequest(`field name '${printable(key)}' holds a NUL character or a lone UTF-16 surrogate`, 'invalid_field');
        }
      }
      const childPath = isArray ? `${name}[${key}]` : path ? `${path}.${key}` : key;
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
}
