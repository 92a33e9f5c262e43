import { AUDIT_COLUMNS, type AuditView } from './audit.service';

export function toJsonLine(r: AuditView): string {
  return JSON.stringify(r) + '\n';
}

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  // quote when needed; prefix cells a spreadsheet would evaluate as formulas
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export const CSV_HEADER = AUDIT_COLUMNS.join(',') + '\n';

export function toCsvLine(r: AuditView): string {
  return AUDIT_COLUMNS.map((c) => csvCell(r[c])).join(',') + '\n';
}
