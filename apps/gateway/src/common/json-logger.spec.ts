import { Logger, type LogLevel } from '@nestjs/common';
import { JsonLogger } from './json-logger';

/** Nest's own Logger in front of the JSON logger, as in the server; the lines are read back as written. */
function capture(level: LogLevel): { lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  Logger.overrideLogger(new JsonLogger(level, { write: (s: string) => void written.push(s) }));
  return {
    lines: () => {
      const text = written.join('');
      expect(text.endsWith('\n')).toBe(true);
      return text
        .slice(0, -1)
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
  };
}

describe('JsonLogger', () => {
  afterAll(() => {
    Logger.overrideLogger(false);
  });

  it('writes each Logger call as one JSON line: level, ISO time, context, message', () => {
    const out = capture('verbose');
    const log = new Logger('Licence');
    log.log('licensed to Example Bank');
    log.warn('expires in 12 days');
    log.debug('checked');
    log.verbose('details');
    Logger.log('no context');
    const lines = out.lines();
    expect(lines.map((l) => [l.level, l.context, l.msg])).toEqual([
      ['info', 'Licence', 'licensed to Example Bank'],
      ['warn', 'Licence', 'expires in 12 days'],
      ['debug', 'Licence', 'checked'],
      ['trace', 'Licence', 'details'],
      ['info', undefined, 'no context'],
    ]);
    for (const l of lines) {
      expect(Object.keys(l).filter((k) => !['level', 'time', 'context', 'msg'].includes(k))).toEqual([]);
      expect(new Date(l.time as string).toISOString()).toBe(l.time);
    }
  });

  it('keeps a stack apart from the context, and an Error as type and message', () => {
    const out = capture('log');
    const log = new Logger('Audit');
    const err = new TypeError('bad input');
    log.error('append failed', err.stack);
    log.error('no stack here');
    log.error(err);
    log.fatal('cannot start');
    const [withStack, plain, asError, fatal] = out.lines();
    expect(withStack).toMatchObject({ level: 'error', context: 'Audit', msg: 'append failed', stack: err.stack });
    expect(plain).toEqual({ level: 'error', time: expect.any(String), context: 'Audit', msg: 'no stack here' });
    expect(asError).toMatchObject({
      level: 'error',
      context: 'Audit',
      msg: 'bad input',
      error: { type: 'TypeError', message: 'bad input', stack: err.stack },
    });
    expect(fatal).toMatchObject({ level: 'fatal', context: 'Audit', msg: 'cannot start' });
  });

  it('takes the fields of an object message, with its msg as the message', () => {
    const out = capture('log');
    new Logger('HTTP').log({ msg: 'request', request_id: 'r-1', status: 201, duration_ms: 3.5 });
    expect(out.lines()).toEqual([
      { level: 'info', time: expect.any(String), context: 'HTTP', request_id: 'r-1', status: 201, duration_ms: 3.5, msg: 'request' },
    ]);
  });

  it('writes only the configured level and above', () => {
    const out = capture('warn');
    const log = new Logger('X');
    log.verbose('v');
    log.debug('d');
    log.log('l');
    log.warn('w');
    log.error('e');
    expect(out.lines().map((l) => l.msg)).toEqual(['w', 'e']);
  });
});
