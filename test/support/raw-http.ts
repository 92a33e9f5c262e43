import { connect } from 'node:net';

/**
 * Byte-exact request building for the junk-input suite: strings become WTF-8 (lone UTF-16
 * surrogates kept as their 3-byte form instead of being replaced), multipart bodies are written
 * by hand (any bytes in names, values and filenames), and a raw HTTP/1.1 sender carries header
 * bytes that Node's own HTTP client refuses to send (control characters, code points above U+00FF).
 */

/** UTF-8, except that a lone surrogate is encoded as if it were a code point (WTF-8). */
export function wtf8(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Buffer.from(out);
}

/** Percent-encodes every byte except RFC 3986 unreserved characters. */
export function pctEncode(bytes: Buffer): string {
  let s = '';
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    s += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return s;
}

export interface MultipartPart {
  name: Buffer;
  value: Buffer;
  filename?: Buffer;
  contentType?: Buffer;
}

/** A multipart/form-data body; quotes and line breaks in names are percent-escaped as browsers do. */
export function multipartBody(parts: readonly MultipartPart[]): { body: Buffer; contentType: string } {
  const boundary = `----junk${Math.random().toString(36).slice(2)}${Date.now()}`;
  const esc = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A'), 'latin1');
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="`), esc(p.name), Buffer.from('"'));
    if (p.filename) chunks.push(Buffer.from('; filename="'), esc(p.filename), Buffer.from('"'));
    chunks.push(Buffer.from('\r\n'));
    if (p.contentType) chunks.push(Buffer.from('Content-Type: '), esc(p.contentType), Buffer.from('\r\n'));
    chunks.push(Buffer.from('\r\n'), p.value, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Bytes Node's HTTP client accepts in a header value (it writes them as latin1). */
export const clientSendable = (b: Buffer): boolean => b.every((x) => x === 0x09 || (x >= 0x20 && x !== 0x7f));

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function dechunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', i);
    if (eol < 0) break;
    const size = parseInt(b.subarray(i, eol).toString('latin1'), 16);
    if (!size) break;
    out.push(b.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Sends one request as raw bytes over a fresh connection (closed after the answer) and parses the answer. */
export function rawRequest(
  port: number,
  req: { method: string; path: string; headers: readonly [string, Buffer][]; body?: Buffer },
  timeoutMs = 60_000,
): Promise<RawResponse> {
  const body = req.body ?? Buffer.alloc(0);
  const head: Buffer[] = [Buffer.from(`${req.method} ${req.path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n`)];
  for (const [name, value] of req.headers) head.push(Buffer.from(`${name}: `), value, Buffer.from('\r\n'));
  if (req.method !== 'GET' || body.length) head.push(Buffer.from(`Content-Length: ${body.length}\r\n`));
  head.push(Buffer.from('\r\n'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.concat([...head, body])));
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`connection closed without an HTTP answer (${all.length} bytes)`));
      const [statusLine, ...lines] = all.subarray(0, split).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const c = l.indexOf(':');
        if (c > 0) headers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
      }
      let payload: Buffer = all.subarray(split + 4);
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) payload = dechunk(payload);
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: payload });
    });
  });
}
