import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds an embedded database: PGlite itself takes no lock (a second PGlite opens a data
 * directory that another one is writing, and both then write it), so every opener, the server and
 * the database commands alike, takes `<pgdata>.lock` first.
 */
export interface DataDirLockHolder {
  pid: number;
  host: string;
  /** the process's start time in clock ticks since boot (Linux /proc/<pid>/stat), so a reused pid is not mistaken for the holder */
  started: string | null;
  since: string;
}

export class DataDirInUseError extends Error {}

/** A process's start time (field 22 of /proc/<pid>/stat), or null when it does not exist or there is no /proc. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces: count from the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the holder, a process of this host, still runs (and is the same process, not a successor with its pid). */
function alive(h: DataDirLockHolder): boolean {
  const started = processStartTime(h.pid);
  if (started !== null || processStartTime(process.pid) !== null) return started !== null && (h.started === null || started === h.started);
  return running(h.pid); // no /proc
}

function readHolder(file: string): DataDirLockHolder | null {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Partial<DataDirLockHolder>;
    if (typeof h.pid !== 'number' || typeof h.host !== 'string') return null;
    return { pid: h.pid, host: h.host, started: typeof h.started === 'string' ? h.started : null, since: String(h.since ?? '') };
  } catch {
    return null;
  }
}

export interface LockOptions {
  /**
   * A lock written on another host cannot be checked from here. The server takes it over (a
   * container restarted after a crash gets a new host name, and must start); a command refuses.
   */
  otherHost: 'take-over' | 'refuse';
}

/**
 * Takes `<pgdata>.lock` for this process; returns the release function. Refuses with
 * DataDirInUseError while a live process of this host holds it; a lock left by a process that is
 * gone is taken over.
 */
export function lockDataDir(pgdata: string, opts: LockOptions): () => void {
  const file = `${pgdata}.lock`;
  const me: DataDirLockHolder = {
    pid: process.pid,
    host: hostname(),
    started: processStartTime(process.pid),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    // written whole to a private file, then linked: the lock file never exists half-written
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, JSON.stringify(me) + '\n', { mode: 0o600, flag: 'wx' });
    try {
      linkSync(tmp, file);
      return () => {
        const h = readHolder(file);
        if (h && h.pid === me.pid && h.host === me.host && h.since === me.since) unlinkSync(file);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(tmp);
    }
    const held = readHolder(file);
    if (held && held.host === me.host && alive(held)) {
      throw new DataDirInUseError(
        `${pgdata} is in use by process ${held.pid}${held.pid === process.pid ? ' (this process)' : ''} since ${held.since} (${file}): stop the server first`,
      );
    }
    if (held && held.host !== me.host && opts.otherHost === 'refuse') {
      throw new DataDirInUseError(
        `${pgdata} is locked by process ${held.pid} on host ${JSON.stringify(held.host)} since ${held.since} (${file}): stop that server first; if it is not running any more (it crashed), delete ${file}`,
      );
    }
    try {
      unlinkSync(file); // left by a process that is gone (or unreadable): taken over
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new DataDirInUseError(`${pgdata}: could not take ${file} (another process keeps taking it)`);
}
