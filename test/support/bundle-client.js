/*
 * HTTP client for test/bundle.integration-spec.ts. Runs INSIDE the empty network namespace next to
 * the unpacked server (processes outside cannot reach in), so it uses only Node built-ins and the
 * global fetch. Argument: JSON {base, fixtures: {detect, match1, match2}, readyTimeoutMs, probes:
 * [{host, port, label}]}; the admin token comes from FACENITION_ADMIN_TOKEN. Prints ONE JSON line.
 */
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');
const path = require('node:path');

const opts = JSON.parse(process.argv[2]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitReady() {
  const t0 = Date.now();
  let last = 'no answer';
  while (Date.now() - t0 < opts.readyTimeoutMs) {
    try {
      const r = await fetch(`${opts.base}/health/ready`, { signal: AbortSignal.timeout(5000) });
      if (r.status === 200) return { ready: true, ms: Date.now() - t0 };
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await sleep(250);
  }
  return { ready: false, ms: Date.now() - t0, last };
}

/** Tries a TCP connection; in the empty namespace every attempt must fail. */
function probe({ host, port, label }) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (connected, error) => {
      sock.destroy();
      resolve({ label, host, port, connected, error });
    };
    sock.setTimeout(3000, () => done(false, 'timeout'));
    sock.once('connect', () => done(true));
    sock.once('error', (err) => done(false, err.code ?? err.message));
  });
}

function resolveName(name) {
  return Promise.race([
    dns.promises.lookup(name).then(
      (a) => ({ label: `dns ${name}`, resolved: true, address: a.address }),
      (err) => ({ label: `dns ${name}`, resolved: false, error: err.code ?? err.message }),
    ),
    sleep(8000).then(() => ({ label: `dns ${name}`, resolved: false, error: 'timeout' })),
  ]);
}

function form(fields) {
  const f = new FormData();
  for (const [name, file] of Object.entries(fields)) {
    f.append(name, new Blob([fs.readFileSync(file)], { type: 'image/jpeg' }), path.basename(file));
  }
  return f;
}

async function call(url, init) {
  const r = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  const text = await r.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: r.status, body };
}

async function main() {
  const out = { node: process.version, egress: [] };
  // network isolation first: nothing outside the namespace may be reachable
  out.egress = await Promise.all(opts.probes.map(probe));
  out.dns = await resolveName('registry.npmjs.org');

  out.health = await waitReady();
  if (!out.health.ready) return out;

  const admin = process.env.FACENITION_ADMIN_TOKEN;
  const created = await call(`${opts.base}/generateToken`, {
    method: 'POST',
    headers: { 'X-Auth-Token': admin, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'bundle test', environment: 'production', plan: 'enterprise' }),
  });
  out.generateToken = { status: created.status };
  const token = created.body && created.body.client_token;
  if (!token) {
    out.generateToken.body = created.body;
    return out;
  }

  const detect = await call(`${opts.base}/detect`, {
    method: 'POST',
    headers: { 'X-Auth-Token': token },
    body: form({ image: opts.fixtures.detect }),
  });
  out.detect = { status: detect.status, ok: detect.body.ok, face_count: detect.body.face_count };
  if (detect.status !== 200) out.detect.body = detect.body;

  const match = await call(`${opts.base}/match`, {
    method: 'POST',
    headers: { 'X-Auth-Token': token },
    body: form({ image1: opts.fixtures.match1, image2: opts.fixtures.match2 }),
  });
  out.match = { status: match.status, ok: match.body.ok, match: match.body.match, similarity: match.body.similarity };
  if (match.status !== 200) out.match.body = match.body;
  return out;
}

main().then(
  (out) => {
    process.stdout.write(JSON.stringify(out) + '\n');
  },
  (err) => {
    process.stdout.write(JSON.stringify({ error: String(err && err.stack ? err.stack : err) }) + '\n');
    process.exitCode = 1;
  },
);
