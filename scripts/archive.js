/*
 * Dependency-free readers for the two archive formats the install-time scripts meet: the ustar inside
 * an npm tarball, and a zip (no `unzip` binary needed; it may not exist on a fresh machine).
 */
'use strict';
const zlib = require('node:zlib');

/** Minimal ustar reader: returns a Map of entry name -> Buffer for the wanted names. */
function untar(tarBuf, wanted) {
  const out = new Map();
  let off = 0;
  while (off + 512 <= tarBuf.length) {
    const header = tarBuf.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start, len) =>
      header
        .subarray(start, start + len)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = (prefix ? prefix + '/' : '') + field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const dataStart = off + 512;
    if ((type === '0' || type === '\0') && wanted.has(name)) {
      out.set(name, Buffer.from(tarBuf.subarray(dataStart, dataStart + size)));
    }
    off = dataStart + Math.ceil(size / 512) * 512;
  }
  return out;
}

/**
 * One file of a zip archive, found through the central directory (stored or deflated; no zip64,
 * no encryption), its size and CRC-32 checked. Throws when the entry is missing.
 */
function unzipEntry(zipBuf, wanted) {
  // end of central directory record: 22 bytes plus a comment of at most 65535 bytes, at the very end
  let eocd = -1;
  for (let i = zipBuf.length - 22; i >= Math.max(0, zipBuf.length - 22 - 0xffff); i--) {
    if (zipBuf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end of central directory record)');
  const entries = zipBuf.readUInt16LE(eocd + 10);
  let off = zipBuf.readUInt32LE(eocd + 16);
  if (off === 0xffffffff || entries === 0xffff) throw new Error('zip64 archives are not supported');
  for (let n = 0; n < entries; n++) {
    if (zipBuf.readUInt32LE(off) !== 0x02014b50) throw new Error(`corrupt zip central directory at offset ${off}`);
    const flags = zipBuf.readUInt16LE(off + 8);
    const method = zipBuf.readUInt16LE(off + 10);
    const crc = zipBuf.readUInt32LE(off + 16);
    const compressedSize = zipBuf.readUInt32LE(off + 20);
    const size = zipBuf.readUInt32LE(off + 24);
    const nameLen = zipBuf.readUInt16LE(off + 28);
    const extraLen = zipBuf.readUInt16LE(off + 30);
    const commentLen = zipBuf.readUInt16LE(off + 32);
    const local = zipBuf.readUInt32LE(off + 42);
    const name = zipBuf.toString('utf8', off + 46, off + 46 + nameLen);
    off += 46 + nameLen + extraLen + commentLen;
    if (name !== wanted) continue;

    if (flags & 1) throw new Error(`${name}: encrypted zip entries are not supported`);
    if (zipBuf.readUInt32LE(local) !== 0x04034b50) throw new Error(`${name}: corrupt local header`);
    const dataStart = local + 30 + zipBuf.readUInt16LE(local + 26) + zipBuf.readUInt16LE(local + 28);
    const raw = zipBuf.subarray(dataStart, dataStart + compressedSize);
    let data;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = zlib.inflateRawSync(raw);
    else throw new Error(`${name}: unsupported zip compression method ${method}`);
    if (data.length !== size) throw new Error(`${name}: ${data.length} bytes inflated, the directory says ${size}`);
    if (zlib.crc32(data) !== crc) throw new Error(`${name}: CRC-32 mismatch`);
    return data;
  }
  throw new Error(`${wanted} not found in the zip archive`);
}

module.exports = { untar, unzipEntry };
