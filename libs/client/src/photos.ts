import type { Photo } from './types';

/** A photo as a Blob for a multipart body, with a file name for its part. */
export async function photoBlob(photo: Photo, field: string): Promise<{ blob: Blob; filename: string }> {
  if (typeof photo === 'string') {
    const { readFile } = fileSystem();
    const filename = photo.split(/[\\/]/).pop() || field;
    return { blob: new Blob([await readFile(photo)]), filename };
  }
  if (ArrayBuffer.isView(photo)) return { blob: new Blob([photo]), filename: field };
  if (Object.prototype.toString.call(photo) === '[object ArrayBuffer]') return { blob: new Blob([photo]), filename: field };
  if (isBlob(photo)) return { blob: photo, filename: 'name' in photo && typeof photo.name === 'string' && photo.name ? photo.name : field };
  throw new TypeError(`'${field}' must be a Buffer, Uint8Array, ArrayBuffer, Blob or a file path`);
}

/** A photo as base64 text, for a JSON body (a body too large for a form, e.g. /identify's roster). */
export async function photoBase64(photo: Photo, field: string): Promise<string> {
  const { blob } = await photoBlob(photo, field);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** A Blob or File, also one of another realm (a worker, a test sandbox), as fetch itself accepts. */
function isBlob(v: unknown): v is Blob {
  return v instanceof Blob || /^\[object (Blob|File)\]$/.test(Object.prototype.toString.call(v));
}

/**
 * Node's fs/promises, looked up when a path is given rather than imported: the client then also
 * runs, and bundles, where there is no file system (a browser), taking bytes or Blobs there.
 */
function fileSystem(): typeof import('node:fs/promises') {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs/promises') as typeof import('node:fs/promises') | undefined;
  if (!fs) throw new TypeError('a photo given as a file path needs Node.js >= 20.16; pass its bytes or a Blob instead');
  return fs;
}

/** Appends a request's fields to a multipart body: photos as file parts, everything else as text. */
export async function multipart(fields: Record<string, unknown>, photoFields: readonly string[]): Promise<FormData> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (photoFields.includes(name)) {
      const photos = (Array.isArray(value) ? value : [value]) as Photo[];
      for (const p of photos) {
        const { blob, filename } = await photoBlob(p, name);
        form.append(name, blob, filename);
      }
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      form.append(name, String(value));
    } else {
      throw new TypeError(`'${name}' must be a string or a number`);
    }
  }
  return form;
}
