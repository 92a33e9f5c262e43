import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTar, writeTar } from './tar';

describe('tar (ustar, regular files)', () => {
  const entries = [
    { name: 'manifest.json', data: Buffer.from('{"a":1}\n') },
    { name: 'database/empty.copy', data: Buffer.alloc(0) },
    { name: 'database/block.copy', data: Buffer.alloc(512, 7) },
    { name: 'data-dir/pepper.key', data: Buffer.from('x'.repeat(1000)) },
  ];

  it('reads back what it writes', () => {
    expect(readTar(writeTar(entries))).toEqual(entries);
  });

  it("is read by the system's tar, and reads the system tar's files", () => {
    const dir = mkdtempSync(join(tmpdir(), 'facenition-tar-'));
    try {
      const file = join(dir, 'a.tar');
      writeFileSync(file, writeTar(entries));
      const listed = spawnSync('tar', ['-tvf', file], { encoding: 'utf8' });
      expect(listed.status).toBe(0);
      expect(listed.stdout).toMatch(/^-rw------- 0\/0 +8 .* manifest\.json$/m);
      expect(
        listed.stdout
          .trim()
          .split('\n')
          .map((l) => l.split(' ').pop()),
      ).toEqual(entries.map((e) => e.name));
      const out = spawnSync('tar', ['-xOf', file, 'data-dir/pepper.key']);
      expect(out.stdout).toEqual(entries[3].data);

      writeFileSync(join(dir, 'one.txt'), 'made by tar\n');
      expect(spawnSync('tar', ['--format=ustar', '-cf', join(dir, 'b.tar'), '-C', dir, 'one.txt']).status).toBe(0);
      expect(readTar(readFileSync(join(dir, 'b.tar')))).toEqual([{ name: 'one.txt', data: Buffer.from('made by tar\n') }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a damaged header and a truncated entry', () => {
    const tar = writeTar(entries);
    const damaged = Buffer.from(tar);
    damaged[3] ^= 1;
    expect(() => readTar(damaged)).toThrow('tar: damaged header at byte 0');
    expect(() => readTar(tar.subarray(0, 515))).toThrow('tar: entry "manifest.json" is truncated');
    expect(() => readTar(tar.subarray(0, 1024))).toThrow('tar: the archive ends without its end marker (truncated)');
  });
});
