import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const BUILT_MAIN = join(__dirname, '../../dist/apps/gateway/src/main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  /** stdout and stderr as they came. */
  output: string[];
  /** stdout alone (the log; Node's own warnings go to stderr). */
  stdout: string[];
}

/** Starts the built server (`npm run build`, or another build's main.js) as a separate OS process and waits until it is ready (on `port`, default a free one). */
export async function startServerProcess(env: Record<string, string>, main = BUILT_MAIN, port?: number): Promise<ServerProcess> {
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm test does)`);
  port ??= await freePort();
  const output: string[] = [];
  const stdout: string[] = [];
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, FACENITION_HOST: '127.0.0.1', FACENITION_PORT: String(port), FACENITION_LOG_LEVEL: 'warn', FACENITION_SHUTDOWN_DELAY_SECONDS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (c: Buffer) => {
    output.push(c.toString());
    stdout.push(c.toString());
  });
  child.stderr.on('data', (c: Buffer) => output.push(c.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output.join('')}`);
    try {
      const r = await fetch(`${base}/health/ready`);
      if (r.status === 200) return { child, base, output, stdout };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become ready: ${output.join('')}`);
}

export async function stopServerProcess(p: ServerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill(signal);
  await exited;
}
