/** Chart values as Helm sees them, shared by chart.spec.ts and helm-binary.spec.ts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export type Values = Record<string, unknown>;

export const CHART = join(__dirname, '..', '..', 'helm', 'facenition');

export const isObject = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

/** Helm's coalescing of user values over chart defaults: maps merge, anything else replaces, null deletes. */
export function helmMerge(base: Values, over: Values): Values {
  const out: Values = clone(base);
  for (const [key, value] of Object.entries(over)) {
    if (value === null) delete out[key];
    else if (isObject(value) && isObject(out[key])) out[key] = helmMerge(out[key], value);
    else out[key] = clone(value);
  }
  return out;
}

/** Helm reads values with a YAML 1.1 parser: unquoted on/off/yes/no are booleans there. */
export const parseValues = (text: string) => parse(text, { version: '1.1' }) as unknown;

/** values.yaml as shipped. */
export const chartDefaults = (): Values => parseValues(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Values;

/** A ci/*-values.yaml file merged over values.yaml, as `helm template -f` sees it. */
export const ciValues = (file: string): Values =>
  helmMerge(chartDefaults(), (parseValues(readFileSync(join(CHART, 'ci', file), 'utf8')) as Values | null) ?? {});
