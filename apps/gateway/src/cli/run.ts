/** What the operator CLIs of the gateway (db.js, hsm.js) share: their I/O, errors, dispatch and exit codes. */

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** environment for the settings (default: the process's) */
  env?: NodeJS.ProcessEnv;
}

/** A wrong command line: the message and the usage go to stderr, exit code 2. */
export class UsageError extends Error {}
/** An operator error: the message says what to fix; exit code 1. */
export class CliFailure extends Error {}

export type Command = (args: string[], io: CliIo) => Promise<number>;

/**
 * Runs `argv[0]` of `commands` with the rest of argv; resolves to the exit code: 0 success, 1 a known
 * failure (CliFailure or one of `failures`: its message on stderr), 2 a usage error (message and usage).
 * Anything else is a bug and rejects.
 */
export async function runCli(
  argv: readonly string[],
  io: Partial<CliIo>,
  spec: { usage: string; commands: Record<string, Command>; failures: readonly (abstract new (...args: never[]) => Error)[] },
): Promise<number> {
  const cli: CliIo = {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    ...io,
  };
  const [command, ...args] = argv;
  try {
    if (command === 'help' || command === '--help' || command === '-h') {
      cli.stdout(spec.usage);
      return 0;
    }
    const run = command !== undefined && Object.hasOwn(spec.commands, command) ? spec.commands[command] : undefined;
    if (!run) throw new UsageError(command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`);
    return await run(args, cli);
  } catch (e) {
    // parseArgs throws node's own TypeError (another realm under jest), so match on its code
    const parseArgsError = typeof e === 'object' && e !== null && /^ERR_PARSE_ARGS_/.test(String((e as NodeJS.ErrnoException).code));
    if (e instanceof UsageError || parseArgsError) {
      cli.stderr(`error: ${(e as Error).message}`);
      cli.stderr(spec.usage);
      return 2;
    }
    if (e instanceof CliFailure || spec.failures.some((f) => e instanceof f)) {
      cli.stderr(`error: ${(e as Error).message}`);
      return 1;
    }
    throw e;
  }
}

/** The entry point of a CLI module run as a program: sets the exit code; an unexpected error is printed once. */
export function runAsProgram(name: string, main: (argv: readonly string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
