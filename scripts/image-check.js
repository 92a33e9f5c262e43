/*
 * Runs INSIDE a Facenition container, on the image's own Node.js, started by scripts/image-test.sh:
 *   podman exec -i <container> /app/bin/node -e "$(cat scripts/image-check.js)" <none|published> < photos.json
 * stdin: {"a": <base64 JPEG>, "b": <same person as a>, "c": <another person>}.
 * Checks the confinement the container was started with (uid 10001, no capabilities, no_new_privs,
 * read-only root filesystem, and with `none` no network interface but loopback and no route out),
 * then the API over loopback: /health/ready, a client token made with the generated admin credential,
 * /detect and /match on real photos, and that the photos were written nowhere writable.
 * Prints one JSON line of facts; exits 1 naming every failed check.
 */
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const mode = process.argv[1];
const BASE = `http://127.0.0.1:${process.env.FACENITION_PORT || 8080}`;
const DATA = process.env.FACENITION_DATA_DIR || '/var/lib/facenition';
const WRITABLE = [DATA, '/tmp', '/var/tmp', '/run', '/dev/shm'];
const failures = [];
const facts = { mode };
const check = (ok, msg) => {
  if (!ok) failures.push(msg);
};

async function call(method, route, { token, json, form } = {}) {
  const headers = {};
  if (token) headers['X-Auth-Token'] = token;
  let body;
  if (json) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = new FormData();
    for (const [k, v] of Object.entries(form)) body.append(k, v, `${k}.jpg`);
  }
  const res = await fetch(BASE + route, { method, headers, body, signal: AbortSignal.timeout(120_000) });
  const text = await res.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { unparsed: text.slice(0, 200) };
  }
  return { status: res.status, body: parsed };
}

/** No route out of a network namespace holding only loopback: the connect fails at once. */
function connectError(host, port) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 5000 });
    s.on('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.on('timeout', () => {
      s.destroy();
      resolve('timeout');
    });
    s.on('error', (e) => resolve(e.code || String(e)));
  });
}

/** Regular files below dir (no symlinks followed), skipping what cannot be read. */
function filesBelow(dir, out = []) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) filesBelow(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function confinement() {
  check(process.getuid() === 10001 && process.getgid() === 10001, `runs as ${process.getuid()}:${process.getgid()}, not 10001:10001`);
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  check(/^CapEff:\s*0+$/m.test(status), `effective capabilities: ${/^CapEff:\s*(\S+)/m.exec(status)?.[1]}`);
  check(/^CapBnd:\s*0+$/m.test(status), `bounding capabilities: ${/^CapBnd:\s*(\S+)/m.exec(status)?.[1]}`);
  check(/^NoNewPrivs:\s*1$/m.test(status), 'no_new_privs is not set');
  const rootMount = fs
    .readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[1] === '/')
    .pop();
  check(rootMount && rootMount[3].split(',').includes('ro'), `root filesystem mounted ${rootMount ? rootMount[3] : '?'}`);
  try {
    fs.writeFileSync('/app/.image-check', 'x');
    fs.rmSync('/app/.image-check');
    failures.push('/app is writable');
  } catch (e) {
    check(e.code === 'EROFS' || e.code === 'EACCES', `writing /app: ${e.code}`);
  }
  facts.interfaces = Object.keys(os.networkInterfaces()).sort();
}

async function network() {
  if (mode !== 'none') return;
  check(facts.interfaces.join() === 'lo', `network interfaces ${facts.interfaces.join()}, expected lo only`);
  facts.connectOut = await connectError('192.0.2.1', 443); // TEST-NET-1
  check(facts.connectOut === 'ENETUNREACH', `connect to 192.0.2.1:443: ${facts.connectOut}, expected ENETUNREACH`);
}

async function api(photos) {
  const ready = await call('GET', '/health/ready');
  check(ready.status === 200 && ready.body.status === 'ready', `/health/ready: ${ready.status} ${JSON.stringify(ready.body)}`);
  const admin = fs.readFileSync(path.join(DATA, 'admin-token'), 'utf8').trim();
  const made = await call('POST', '/generateToken', {
    token: admin,
    json: { name: 'image-test', environment: 'production', plan: 'enterprise' },
  });
  const token = made.body.client_token;
  if (typeof token !== 'string' || !token) {
    failures.push(`/generateToken: ${made.status} ${JSON.stringify(made.body)}`);
    return;
  }
  const jpeg = (k) => new Blob([photos[k]], { type: 'image/jpeg' });

  const detect = await call('POST', '/detect', { token, form: { image: jpeg('a') } });
  facts.detect = { status: detect.status, face_count: detect.body.face_count, score: detect.body.faces?.[0]?.score };
  check(detect.status === 200 && detect.body.ok === true, `/detect: ${detect.status} ${JSON.stringify(detect.body)}`);
  check(detect.body.face_count === 1, `/detect: face_count ${detect.body.face_count}, expected 1`);
  check(detect.body.faces?.[0]?.score >= 0.9, `/detect: score ${detect.body.faces?.[0]?.score}, expected >= 0.9`);

  const same = await call('POST', '/match', { token, form: { image1: jpeg('a'), image2: jpeg('b') } });
  const other = await call('POST', '/match', { token, form: { image1: jpeg('a'), image2: jpeg('c') } });
  facts.match = {
    same: { status: same.status, match: same.body.match, similarity: same.body.similarity, threshold: same.body.threshold },
    other: { status: other.status, match: other.body.match, similarity: other.body.similarity },
  };
  check(same.status === 200 && same.body.match === true, `/match same person: ${same.status} ${JSON.stringify(same.body)}`);
  check(same.body.similarity > same.body.threshold, `/match same person: similarity ${same.body.similarity} <= ${same.body.threshold}`);
  check(other.status === 200 && other.body.match === false, `/match other person: ${other.status} ${JSON.stringify(other.body)}`);
}

/** What the server wrote, and that no photo (a 256-byte slice of each) landed on a writable mount. */
function writes(photos) {
  facts.dataDir = fs.readdirSync(DATA).sort();
  for (const f of ['admin-token', 'pepper.key', 'pgdata']) check(facts.dataDir.includes(f), `${DATA}/${f} missing`);
  check(!facts.dataDir.includes('.cache'), `${DATA}/.cache exists (onnxruntime telemetry: ORT_DISABLE_TELEMETRY not honoured?)`);
  const needles = Object.values(photos).map((b) => b.subarray(b.length >> 1, (b.length >> 1) + 256));
  let scanned = 0;
  for (const file of WRITABLE.flatMap((d) => filesBelow(d))) {
    let content;
    try {
      content = fs.readFileSync(file);
    } catch {
      continue;
    }
    scanned++;
    if (needles.some((n) => content.includes(n))) failures.push(`photo bytes found in ${file}`);
  }
  facts.filesScanned = scanned;
  check(scanned > 0, `no readable file below ${WRITABLE.join(', ')}: the scan saw nothing`);
}

async function main() {
  const input = JSON.parse(fs.readFileSync(0, 'utf8'));
  const photos = Object.fromEntries(['a', 'b', 'c'].map((k) => [k, Buffer.from(input[k] || '', 'base64')]));
  for (const [k, v] of Object.entries(photos)) if (v.length < 1024) throw new Error(`stdin: photo ${k} missing or too small`);
  confinement();
  await network();
  await api(photos);
  writes(photos);
  console.log(JSON.stringify(facts));
  if (failures.length) {
    console.error(`image-check FAILED (${failures.length}):\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`image-check FAILED: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});
