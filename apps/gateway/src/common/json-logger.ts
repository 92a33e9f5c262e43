import type { LoggerService, LogLevel } from '@nestjs/common';
import { pino, type DestinationStream, type Level, type Logger as Pino } from 'pino';

/** How the server writes its log (FACENITION_LOG_FORMAT). */
export type LogFormat = 'json' | 'text';

const PINO_LEVEL: Record<LogLevel, Level> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

const STACK = /\n\s+at /;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Nest's LoggerService on pino: one JSON object per line on stdout (`level`, `time`, `context`,
 * `msg`), so every `new Logger(context)` in the code base writes JSON unchanged. A plain object as
 * the message contributes its fields (the request line does this); callers decide what goes in,
 * and nothing here serialises requests, headers or bodies.
 */
export class JsonLogger implements LoggerService {
  private readonly out: Pino;

  /** `destination`: stdout, written synchronously so the last lines before an exit are not lost. */
  constructor(level: LogLevel, destination: DestinationStream = pino.destination({ dest: 1, sync: true })) {
    this.out = pino(
      {
        level: PINO_LEVEL[level],
        base: undefined,
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      destination,
    );
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest passes `(message, ...params, context)`, and for errors `(message, stack, context)` with an undefined stack when none was given. */
  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.out.isLevelEnabled(level)) return;
    const params = rest.filter((p) => p !== undefined);
    const fields: Record<string, unknown> = {};
    const last = params.at(-1);
    if (typeof last === 'string' && !STACK.test(last)) fields.context = params.pop();
    if (typeof params[0] === 'string' && STACK.test(params[0])) fields.stack = params.shift();
    if (params.length) fields.params = params;
    let msg: string;
    if (message instanceof Error) {
      // name, message and stack only: an error's other own properties (a driver's detail, say) may carry values
      fields.error = { type: message.name, message: message.message, stack: message.stack };
      msg = message.message;
    } else if (isPlainObject(message)) {
      const { msg: text, ...other } = message;
      Object.assign(fields, other);
      msg = typeof text === 'string' ? text : '';
    } else {
      msg = typeof message === 'string' ? message : (JSON.stringify(message) ?? String(message));
    }
    this.out[level](fields, msg);
  }
}
