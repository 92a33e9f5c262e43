import { parseIsoDateTime } from './iso-date';

describe('parseIsoDateTime', () => {
  it('reads ISO 8601 date-times and dates', () => {
    expect(parseIsoDateTime('2026-11-27T12:00:00Z')?.toISOString()).toBe('2026-11-27T12:00:00.000Z');
    expect(parseIsoDateTime('2026-11-27T12:00:00.250+02:00')?.toISOString()).toBe('2026-11-27T10:00:00.250Z');
    expect(parseIsoDateTime('2026-11-27')?.toISOString()).toBe('2026-11-27T00:00:00.000Z');
  });

  it('refuses what Date.parse would read but is not ISO 8601, and what no calendar has', () => {
    for (const bad of [
      '1',
      'May 5 2026',
      'Tue, 01 Dec 2026 00:00:00 GMT',
      '26-11-27',
      '2026-13-01',
      '2026-11-27T25:00:00Z',
      '',
      ' 2026-11-27',
    ]) {
      expect(parseIsoDateTime(bad)).toBeUndefined();
    }
    for (const bad of [undefined, null, 0, 1764201600000, new Date(), ['2026-11-27']]) expect(parseIsoDateTime(bad)).toBeUndefined();
  });

  it('with requireTime refuses a bare date', () => {
    expect(parseIsoDateTime('2026-11-27', { requireTime: true })).toBeUndefined();
    expect(parseIsoDateTime('2026-11-27 12:00:00Z', { requireTime: true })).toBeUndefined();
    expect(parseIsoDateTime('2026-11-27T12:00:00Z', { requireTime: true })?.getTime()).toBe(Date.UTC(2026, 10, 27, 12));
  });
});
