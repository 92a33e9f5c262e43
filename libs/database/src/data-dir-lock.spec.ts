import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, lockDataDir, processStartTime } from './data-dir-lock';

describe('lockDataDir (one opener per embedded database)', () => {
  let dir: string;
  let pgdata: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'facenition-lock-'));
    pgdata = join(dir, 'pgdata');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes <pgdata>.lock naming this process, refuses a second opener, and is gone after release', () => {
    const release = lockDataDir(pgdata, { otherHost: 'take-over' });
    const held = JSON.parse(readFileSync(`${pgdata}.lock`, 'utf8')) as { pid: number; host: string; started: string };
    expect(held).toMatchObject({ pid: process.pid, host: hostname(), started: processStartTime(process.pid) });
    expect(() => lockDataDir(pgdata, { otherHost: 'take-over' })).toThrow(DataDirInUseError);
    expect(() => lockDataDir(pgdata, { otherHost: 'take-over' })).toThrow(`is in use by process ${process.pid} (this process)`);
    release();
    expect(existsSync(`${pgdata}.lock`)).toBe(false);
    lockDataDir(pgdata, { otherHost: 'refuse' })();
  });

  it('refuses while another live process of this host holds it', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      const started = processStartTime(child.pid!);
      expect(started).not.toBeNull();
      writeFileSync(`${pgdata}.lock`, JSON.stringify({ pid: child.pid, host: hostname(), started, since: 'then' }));
      expect(() => lockDataDir(pgdata, { otherHost: 'take-over' })).toThrow(`is in use by process ${child.pid} since then`);
      // the same pid with another start time is a successor that reuses the pid: the lock is stale
      writeFileSync(`${pgdata}.lock`, JSON.stringify({ pid: child.pid, host: hostname(), started: '1', since: 'then' }));
      lockDataDir(pgdata, { otherHost: 'take-over' })();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('takes over a lock left by a process that is gone', () => {
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const pid = Number(gone.stdout.trim());
    writeFileSync(`${pgdata}.lock`, JSON.stringify({ pid, host: hostname(), started: '123', since: 'then' }));
    const release = lockDataDir(pgdata, { otherHost: 'refuse' });
    expect(JSON.parse(readFileSync(`${pgdata}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    release();
  });

  it("another host's lock: the server takes it over, a command refuses and says how to clear it", () => {
    writeFileSync(`${pgdata}.lock`, JSON.stringify({ pid: 1, host: 'elsewhere', started: '5', since: 'then' }));
    expect(() => lockDataDir(pgdata, { otherHost: 'refuse' })).toThrow(
      `is locked by process 1 on host "elsewhere" since then (${pgdata}.lock): stop that server first; if it is not running any more (it crashed), delete ${pgdata}.lock`,
    );
    const release = lockDataDir(pgdata, { otherHost: 'take-over' });
    expect(JSON.parse(readFileSync(`${pgdata}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    release();
  });
});
