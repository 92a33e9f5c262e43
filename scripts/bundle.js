#!/usr/bin/env node
/*
 * Air-gapped bundle: `npm run bundle [-- --out DIR] [--keep-staging]` (default DIR: ./bundle).
 * The tree is staged in DIR/facenition-<version>/ and removed after packing unless --keep-staging.
 *
 * Produces DIR/facenition-<version>-<platform>-<arch>.tar.gz (+ .sha256) holding one directory
 * facenition-<version>/ with everything the server needs on an offline host, Node.js included:
 *   dist/            the built gateway (nest build gateway, compiled straight into the staging dir so
 *                    the shared ./dist of a concurrent test run or benchmark is never deleted)
 *                    (dist/apps/gateway/src/cli/ holds the operator CLIs: db.js, migrate.js, hsm.js, and
 *                    evaluate.js: `bin/node dist/apps/gateway/src/cli/evaluate.js --data <photos>`, whose
 *                    report charts need the production dependencies vega and vega-lite, checked below)
 *   node_modules/    production dependencies only (npm ci --omit=dev --ignore-scripts), among them the
 *                    pinned Node.js runtime node-<platform>-<arch> (exact version in optionalDependencies,
 *                    tarball sha512 in package-lock.json, checked by npm ci; C headers removed) and
 *                    pkcs11js with the addon the repository's `npm ci` compiled (its install script is skipped)
 *   bin/node         symlink to that runtime's binary: the server runs on it, never on a host Node.js
 *                    (with the OIDC face page's assets), libs/capture/dist/ (the capture web component)
 *   models/          the ONNX models, each checked against libs/face/src/model-manifest.json
 *   bin/facenition   launcher (bin/node dist/apps/gateway/src/main.js); INSTALL.md,
 *                    deploy/facenition.service, THIRD_PARTY_NOTICES.md
 *   package.json     without "scripts" (no model fetch on an accidental `npm install` there)
 *   package-lock.json, .npmrc
 *   SHA256SUMS       `sha256sum -c SHA256SUMS` format, every file but itself, sorted
 * Nothing in the bundle fetches anything at runtime; the server re-verifies the models at boot.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
const manifest = require(path.join(root, 'libs/face/src/model-manifest.json'));

const log = (msg) => console.log(`[bundle] ${msg}`);
/** The pinned Node.js runtime for this platform: npm package node-<platform>-<arch>, exact version. */
const runtimePkg = `node-${process.platform}-${process.arch}`;
const runtimeVersion = (pkg.optionalDependencies || {})[runtimePkg];
const runtimeBin = (dir) => path.join(dir, 'node_modules', runtimePkg, 'bin', 'node');
const sha256File = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function parseArgs(argv) {
  let out = path.join(root, 'bundle');
  let keepStaging = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' && argv[i + 1]) out = argv[++i];
    else if (a.startsWith('--out=')) out = a.slice('--out='.length);
    else if (a === '--keep-staging') keepStaging = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: npm run bundle [-- --out DIR] [-- --keep-staging]');
      process.exit(0);
    } else throw new Error(`unknown argument: ${a}`);
  }
  return { out: path.resolve(out), keepStaging };
}

/** npm as run by `npm run` (npm_execpath), else the npm on PATH. */
function npmCommand() {
  const exec = process.env.npm_execpath;
  return exec && exec.endsWith('.js') ? [process.execPath, [exec]] : ['npm', []];
}

function run(cmd, args, opts = {}) {
  log(`$ ${[cmd, ...args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  execFileSync(cmd, args, { stdio: 'inherit', ...opts });
}

/** nest build gateway, with a throw-away tsconfig that only moves outDir into the staging dir. */
function build(stage) {
  const nestBin = path.join(root, 'node_modules/@nestjs/cli/bin/nest.js');
  if (!fs.existsSync(nestBin)) throw new Error(`${nestBin} missing: run \`npm ci\` in the repository first`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'facenition-bundle-tsconfig-'));
  try {
    const tsconfig = path.join(tmp, 'tsconfig.bundle.json');
    fs.writeFileSync(
      tsconfig,
      JSON.stringify(
        {
          extends: path.join(root, 'apps/gateway/tsconfig.app.json'),
          // typeRoots default to node_modules/@types above *this* file, which lives outside the repository
          compilerOptions: { outDir: path.join(stage, 'dist'), typeRoots: [path.join(root, 'node_modules/@types')] },
        },
        null,
        2,
      ),
    );
    // the CLI joins --path onto the cwd, so it must be relative to the repository root
    run(process.execPath, [nestBin, 'build', 'gateway', '--path', path.relative(root, tsconfig)], { cwd: root });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const main = path.join(stage, 'dist/apps/gateway/src/main.js');
  if (!fs.existsSync(main)) throw new Error(`build did not produce ${main}`);
  // the hosted face page's script and style (nest-cli's asset copy writes to ./dist, not the stage)
  fs.cpSync(path.join(root, 'apps/gateway/src/oidc/assets'), path.join(stage, 'dist/apps/gateway/src/oidc/assets'), { recursive: true });
  // the <facenition-capture> component the page loads, compiled into the stage
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  run(process.execPath, [tsc, '-p', path.join(root, 'libs/capture/tsconfig.json'), '--outDir', path.join(stage, 'libs/capture/dist')], {
    cwd: root,
  });
  const json = path.join(stage, 'dist/libs/face/src/model-manifest.json');
  if (!fs.existsSync(json)) throw new Error(`build did not emit ${json}`);
}

/** Copies exactly the pinned models, refusing any missing or altered file. */
function copyModels(stage) {
  const src = path.join(root, 'models');
  const dst = path.join(stage, 'models');
  const bad = [];
  for (const [name, pinned] of Object.entries(manifest.models)) {
    const file = path.join(src, name);
    if (!fs.existsSync(file)) bad.push(`${name}: missing`);
    else {
      const got = sha256File(file);
      if (got !== pinned) bad.push(`${name}: SHA-256 ${got} != pinned ${pinned}`);
    }
  }
  if (bad.length) {
    throw new Error(`models in ${src} do not match libs/face/src/model-manifest.json (run \`npm run models\`):\n  ${bad.join('\n  ')}`);
  }
  fs.mkdirSync(dst, { recursive: true });
  for (const [name, pinned] of Object.entries(manifest.models)) {
    fs.copyFileSync(path.join(src, name), path.join(dst, name));
    if (sha256File(path.join(dst, name)) !== pinned) throw new Error(`${name}: copy does not match its pin`);
  }
  log(`models: ${Object.keys(manifest.models).length} files verified against the manifest and copied`);
}

function installProduction(stage) {
  const staged = { ...pkg };
  delete staged.scripts; // postinstall would fetch the models from the registry: they are copied instead
  fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(staged, null, 2) + '\n');
  fs.copyFileSync(path.join(root, 'package-lock.json'), path.join(stage, 'package-lock.json'));
  fs.copyFileSync(path.join(root, '.npmrc'), path.join(stage, '.npmrc'));

  const [npm, pre] = npmCommand();
  // a clean npm environment: nothing inherited from the `npm run bundle` that started us
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  run(npm, [...pre, 'ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: stage, env });

  // npm skips an optional package silently when its download or sha512 check fails: insist on it
  const node = runtimeBin(stage);
  if (!fs.existsSync(node)) {
    throw new Error(`${runtimePkg}@${runtimeVersion} was not installed in ${stage} (run \`npm ci --loglevel verbose\` there)`);
  }
  const reported = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  if (reported !== `v${runtimeVersion}`) throw new Error(`${node} reports ${reported}, expected v${runtimeVersion}`);
  log(`runtime: ${runtimePkg}@${runtimeVersion} (${reported})`);
  // C headers for building native addons: never used at runtime (~67 MB, 2,800 files)
  fs.rmSync(path.join(stage, 'node_modules', runtimePkg, 'include'), { recursive: true, force: true });

  // pkcs11js (the deployment key in a PKCS#11 module) is compiled by its install script, which --ignore-scripts
  // skipped: ship the addon `npm ci` built in this repository for this platform (N-API: no Node.js ABI to match)
  const addon = 'node_modules/pkcs11js/build/Release/pkcs11.node';
  if (!fs.existsSync(path.join(root, addon))) throw new Error(`${addon} is missing: run \`npm ci\` (it compiles pkcs11js) first`);
  fs.mkdirSync(path.dirname(path.join(stage, addon)), { recursive: true });
  fs.copyFileSync(path.join(root, addon), path.join(stage, addon));

  // native modules must load on the shipped runtime although no install script ran
  run(
    node,
    [
      '-e',
      "require('sharp'); require('onnxruntime-node'); require('pkcs11js'); console.log('[bundle] sharp, onnxruntime-node and pkcs11js load')",
    ],
    {
      cwd: stage,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    },
  );

  // trim: onnxruntime ships every OS/arch (~220 MB we do not need); .bin links are never used at runtime
  const ortBin = path.join(stage, 'node_modules/onnxruntime-node/bin');
  const removed = [];
  if (fs.existsSync(ortBin)) {
    for (const napi of fs.readdirSync(ortBin)) {
      for (const osName of fs.readdirSync(path.join(ortBin, napi))) {
        const osDir = path.join(ortBin, napi, osName);
        if (osName !== process.platform) {
          fs.rmSync(osDir, { recursive: true, force: true });
          removed.push(`${napi}/${osName}`);
          continue;
        }
        for (const arch of fs.readdirSync(osDir)) {
          if (arch !== process.arch) {
            fs.rmSync(path.join(osDir, arch), { recursive: true, force: true });
            removed.push(`${napi}/${osName}/${arch}`);
          }
        }
      }
    }
  }
  fs.rmSync(path.join(stage, 'node_modules/.bin'), { recursive: true, force: true });
  if (removed.length) log(`removed onnxruntime binaries: ${removed.join(', ')}`);

  run(node, ['-e', "require('onnxruntime-node'); console.log('[bundle] onnxruntime-node loads after trimming')"], {
    cwd: stage,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  // the report charts of the evaluate CLI (dist/apps/gateway/src/cli/evaluate.js): ES modules with top-level await
  run(
    node,
    [
      '--input-type=module',
      '-e',
      "await import('vega'); await import('vega-lite'); console.log('[bundle] vega and vega-lite load (evaluate report charts)')",
    ],
    { cwd: stage, env: { PATH: process.env.PATH, HOME: process.env.HOME } },
  );
}

function addFiles(stage) {
  const binDir = path.join(stage, 'bin');
  fs.mkdirSync(binDir, { recursive: true });
  fs.writeFileSync(
    path.join(binDir, 'facenition'),
    [
      '#!/bin/sh',
      '# Facenition launcher: runs the server on the Node.js shipped in this bundle (bin/node), never on a',
      '# Node.js of the host; settings come from FACENITION_* environment variables (see INSTALL.md)',
      'here=$(dirname "$(readlink -f "$0")")',
      'exec "$here/node" "$here/../dist/apps/gateway/src/main.js" "$@"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  fs.chmodSync(path.join(binDir, 'facenition'), 0o755);
  fs.symlinkSync(path.relative(binDir, runtimeBin(stage)), path.join(binDir, 'node'));
  fs.copyFileSync(path.join(root, 'deploy/INSTALL.md'), path.join(stage, 'INSTALL.md'));
  fs.mkdirSync(path.join(stage, 'deploy'), { recursive: true });
  fs.copyFileSync(path.join(root, 'deploy/facenition.service'), path.join(stage, 'deploy/facenition.service'));
  for (const f of ['THIRD_PARTY_NOTICES.md', 'README.md']) {
    if (fs.existsSync(path.join(root, f))) fs.copyFileSync(path.join(root, f), path.join(stage, f));
  }
}

/** Every regular file below dir (symlinks to files count, resolved by content like sha256sum does). */
function listFiles(dir, rel = '') {
  const out = [];
  for (const ent of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${ent.name}` : ent.name;
    if (/[\n\\]/.test(r)) throw new Error(`file name not representable in SHA256SUMS: ${JSON.stringify(r)}`);
    if (ent.isDirectory()) out.push(...listFiles(dir, r));
    else if (ent.isFile()) out.push(r);
    else if (ent.isSymbolicLink()) {
      const st = fs.statSync(path.join(dir, r)); // throws on a dangling link
      if (st.isFile()) out.push(r);
      else if (!st.isDirectory()) throw new Error(`unexpected file type: ${r}`);
    }
  }
  return out;
}

function writeSums(stage) {
  const files = listFiles(stage)
    .filter((f) => f !== 'SHA256SUMS')
    .sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1)); // byte order, like `LC_ALL=C sort`
  const lines = files.map((f) => `${sha256File(path.join(stage, f))}  ${f}\n`);
  fs.writeFileSync(path.join(stage, 'SHA256SUMS'), lines.join(''));
  return files.length + 1;
}

function main() {
  const t0 = Date.now();
  const { out, keepStaging } = parseArgs(process.argv.slice(2));
  if (!runtimeVersion) {
    throw new Error(
      `no pinned Node.js runtime for ${process.platform}-${process.arch}: package.json optionalDependencies has no ${runtimePkg}`,
    );
  }
  const name = `facenition-${pkg.version}`;
  const stage = path.join(out, name);
  const tarball = path.join(out, `${name}-${process.platform}-${process.arch}.tar.gz`);
  fs.mkdirSync(out, { recursive: true });
  fs.rmSync(stage, { recursive: true, force: true });
  fs.rmSync(tarball, { force: true });
  fs.rmSync(`${tarball}.sha256`, { force: true });
  fs.mkdirSync(stage, { recursive: true });
  log(`staging ${stage}`);

  let count;
  try {
    copyModels(stage); // first: fail fast on missing or altered models
    build(stage);
    installProduction(stage);
    addFiles(stage);
    count = writeSums(stage);
  } catch (err) {
    if (!keepStaging) fs.rmSync(stage, { recursive: true, force: true });
    throw err;
  }

  run('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-czf', tarball, '-C', out, name]);
  const hash = sha256File(tarball);
  fs.writeFileSync(`${tarball}.sha256`, `${hash}  ${path.basename(tarball)}\n`);
  const size = fs.statSync(tarball).size;
  // the staging tree is removed unless asked for: a second package.json named "facenition" inside
  // the repository makes jest-haste-map report a naming collision
  if (!keepStaging) fs.rmSync(stage, { recursive: true, force: true });
  log(`wrote ${tarball}`);
  log(`  ${(size / 1024 / 1024).toFixed(1)} MiB compressed, ${count} files, sha256 ${hash}`);
  log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (err) {
  console.error(`[bundle] FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
