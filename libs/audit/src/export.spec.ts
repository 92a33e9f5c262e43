import type { AuditView } from './audit.service';
import { AUDIT_COLUMNS } from './audit.service';
import { CSV_HEADER, toCsvLine, toJsonLine } from './export';

const view = (over: Partial<AuditView> = {}): AuditView => ({
  seq: '7',
  ts: '2026-11-27T12:00:00.123Z',
  request_id: 'req-1',
  client_id: '0b9f3c2e-8a8e-4a55-9a49-1d6c1c3f0e11',
  endpoint: '/authenticate',
  status: 200,
  error_code: null,
  decision: 'authenticated',
  score: 0.8123,
  threshold: 0.55,
  accuracy: 4,
  token_ref: 'ab12cd34',
  latency_ms: 12.5,
  source_ip: '10.0.0.7',
  client_request_id: null,
  subject_ref: null,
  hash: 'ff'.repeat(32),
  ...over,
});

/** The cells of one CSV line, by column name (the line must hold no quoted comma for this to work). */
const cells = (line: string): Record<string, string> => {
  expect(line.endsWith('\n')).toBe(true);
  const parts = line.slice(0, -1).split(',');
  expect(parts).toHaveLength(AUDIT_COLUMNS.length);
  return Object.fromEntries(AUDIT_COLUMNS.map((c, i) => [c, parts[i]]));
};

describe('audit export', () => {
  it('writes a header of every column, in order', () => {
    expect(CSV_HEADER).toBe(
      'seq,ts,request_id,client_id,endpoint,status,error_code,decision,score,threshold,accuracy,token_ref,latency_ms,source_ip,client_request_id,subject_ref,hash\n',
    );
  });

  it('writes a record as one CSV line: numbers as numbers, null as an empty cell', () => {
    expect(toCsvLine(view())).toBe(
      `7,2026-11-27T12:00:00.123Z,req-1,0b9f3c2e-8a8e-4a55-9a49-1d6c1c3f0e11,/authenticate,200,,authenticated,0.8123,0.55,4,ab12cd34,12.5,10.0.0.7,,,${'ff'.repeat(32)}\n`,
    );
  });

  it.each([
    ['=', '=HYPERLINK("http://evil.example","x")'],
    ['+', '+1+1'],
    ['-', '-2+3'],
    ['@', '@SUM(A1:A2)'],
    ['tab', '\t=1+1'],
  ])('neutralises a text cell starting with %s (a spreadsheet formula) with a leading quote', (_c, value) => {
    const line = toCsvLine(view({ client_request_id: value }));
    const expected = /[",]/.test(value) ? `"'${value.replace(/"/g, '""')}"` : `'${value}`;
    expect(line).toContain(`,${expected},`);
  });

  it('quotes a carriage-return cell after neutralising it, so it stays one cell', () => {
    expect(toCsvLine(view({ client_request_id: '\r=1+1' }))).toContain(`,"'\r=1+1",`);
  });

  it('leaves numbers alone: a negative number is data, not a formula', () => {
    expect(cells(toCsvLine(view({ score: -0.25, latency_ms: -1 })))).toMatchObject({ score: '-0.25', latency_ms: '-1' });
  });

  it('quotes cells holding a comma, a double quote or a line break, doubling inner quotes', () => {
    expect(toCsvLine(view({ client_request_id: 'a,b' }))).toContain(',"a,b",');
    expect(toCsvLine(view({ client_request_id: 'say "hi"' }))).toContain(',"say ""hi""",');
    expect(toCsvLine(view({ client_request_id: 'two\nlines' }))).toContain(',"two\nlines",');
    expect(cells(toCsvLine(view({ client_request_id: 'plain-id_42' }))).client_request_id).toBe('plain-id_42');
  });

  it('writes JSON lines that parse back to the record, one per line', () => {
    const r = view({ client_request_id: 'line\nbreak', error_code: 'no_face' });
    const line = toJsonLine(r);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(r);
  });
});
