const DATE = /^\d{4}-\d{2}-\d{2}/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T/;

/**
 * An ISO 8601 date-time as a Date, or undefined: the text must start with YYYY-MM-DD (followed by
 * 'T' when `requireTime`) and be a date JavaScript can read. The prefix check refuses what
 * Date.parse would otherwise accept ('1', 'May 5', 'Tue, 01 Dec 2026').
 */
export function parseIsoDateTime(text: unknown, opts: { requireTime?: boolean } = {}): Date | undefined {
  if (typeof text !== 'string' || !(opts.requireTime ? DATE_TIME : DATE).test(text)) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
