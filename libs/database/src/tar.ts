/**
 * The few lines of POSIX ustar a backup needs (regular files with short names, written and read
 * whole), so a backup opens with the system's `tar` and needs no dependency.
 */
export interface TarEntry {
  name: string;
  data: Buffer;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, mtime: Date): Buffer {
  if (Buffer.byteLength(name) > 100 || !/^[\x21-\x7e]+$/.test(name)) throw new Error(`tar: unsupported entry name ${JSON.stringify(name)}`);
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 'ascii');
  h.write(octal(0o600, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // the checksum is computed over spaces in its own field
  h.write('0', 156, 'ascii');
  h.write('ustar\0' + '00', 257, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

/** A tar archive of the entries (uncompressed). */
export function writeTar(entries: readonly TarEntry[], mtime = new Date()): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e.name, e.data.length, mtime), e.data, Buffer.alloc((BLOCK - (e.data.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/** The regular files of a tar archive, in order; throws on a damaged header. */
export function readTar(tar: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let at = 0;
  for (;;) {
    if (at + BLOCK > tar.length) throw new Error('tar: the archive ends without its end marker (truncated)');
    const h = tar.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) return out;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
    const field = (from: number, len: number) =>
      h
        .subarray(from, from + len)
        .toString('ascii')
        .replace(/\0.*$/s, '')
        .trim();
    if (parseInt(field(148, 8), 8) !== sum) throw new Error(`tar: damaged header at byte ${at}`);
    const name = field(0, 100);
    const size = parseInt(field(124, 12), 8);
    const type = field(156, 1);
    if (!Number.isSafeInteger(size) || at + BLOCK + size > tar.length) throw new Error(`tar: entry ${JSON.stringify(name)} is truncated`);
    if (type === '0' || type === '') out.push({ name, data: Buffer.from(tar.subarray(at + BLOCK, at + BLOCK + size)) });
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
}
