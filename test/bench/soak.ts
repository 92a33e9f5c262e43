/**
 * Soak: the built server (test/bench/licensed-server.js: enterprise licence, production settings,
 * Prometheus on its own port) under about twice the load it can serve, for ten minutes. First its
 * capacity is measured (closed loop, 8 callers, a mix of /authenticate and /match); then requests arrive open loop
 * at `factor` x that rate (at most `--outstanding` unanswered at a time, so the load generator stays
 * bounded too). Every 10 s the server's resident memory, V8 heap and event-loop delay (p99 of the
 * interval, from its own /metrics) are sampled with the answers of the interval; the samples are
 * printed and drawn as an SVG plot. Memory must stay flat: the slope of RSS over the run (after the
 * first minute) is printed.
 *   npm run bench:soak [-- --minutes 10 --factor 2 --svg docs/img/soak.svg]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { arg, percentile, repoRoot } from './common';
import { authenticateBody, closedLoop, multipart, postText, startBenchServer } from './http';

interface Sample {
  t: number;
  rssMb: number;
  heapMb: number;
  lagP99Ms: number;
  ok: number;
  shed: number;
  other: number;
  p99Ms: number;
}

const metric = (text: string, name: string): number => {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  if (!m) throw new Error(`metric ${name} missing`);
  return Number(m[1]);
};

/** A two-panel line plot (RSS and heap in MB; event-loop delay p99 in ms) as a self-contained SVG. */
function plot(samples: Sample[], title: string): string {
  const W = 720;
  const H = 220;
  const L = 60;
  const R = 20;
  const T = 30;
  const B = 30;
  const tMax = Math.max(...samples.map((s) => s.t), 1);
  const panel = (y0: number, series: { name: string; color: string; v: (s: Sample) => number }[], unit: string): string => {
    const max = Math.max(...samples.flatMap((s) => series.map((x) => x.v(s))), 1) * 1.15;
    const x = (t: number) => L + ((W - L - R) * t) / tMax;
    const y = (v: number) => y0 + H - B - ((H - T - B) * v) / max;
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
      const v = max * f;
      return `<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/><text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${v.toFixed(v < 10 ? 1 : 0)}</text>`;
    });
    const xticks = Array.from({ length: Math.floor(tMax / 60) + 1 }, (_, m) => {
      const px = x(m * 60).toFixed(1);
      return `<line x1="${px}" x2="${px}" y1="${y0 + T}" y2="${y0 + H - B}" stroke="#eee"/><text x="${px}" y="${y0 + H - B + 14}" text-anchor="middle" font-size="11">${m}</text>`;
    });
    const lines = series.map(
      (s, i) =>
        `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${samples.map((p) => `${x(p.t).toFixed(1)},${y(s.v(p)).toFixed(1)}`).join(' ')}"/>` +
        `<text x="${L + 10 + i * 160}" y="${y0 + T - 8}" font-size="12" fill="${s.color}">${s.name}</text>`,
    );
    return (
      `<g>${ticks.join('')}${xticks.join('')}${lines.join('')}` +
      `<text x="14" y="${y0 + H / 2}" font-size="11" transform="rotate(-90 14 ${y0 + H / 2})" text-anchor="middle">${unit}</text>` +
      `<text x="${(L + W - R) / 2}" y="${y0 + H - 2}" font-size="11" text-anchor="middle">minutes</text></g>`
    );
  };
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${2 * H + 30}" viewBox="0 0 ${W} ${2 * H + 30}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${title}</text>`,
    panel(
      20,
      [
        { name: 'resident memory (RSS)', color: '#1f77b4', v: (s) => s.rssMb },
        { name: 'V8 heap used', color: '#ff7f0e', v: (s) => s.heapMb },
      ],
      'MB',
    ),
    panel(20 + H, [{ name: 'event-loop delay, p99 of each 10 s', color: '#2ca02c', v: (s) => s.lagP99Ms }], 'ms'),
    `</svg>`,
  ].join('\n');
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den ? num / den : 0;
}

async function main(): Promise<void> {
  const minutes = Number(arg('minutes', '10'));
  const factor = Number(arg('factor', '2'));
  const outstandingMax = Number(arg('outstanding', '256'));
  const svgPath = arg('svg', join(repoRoot, 'docs/img/soak.svg'));
  const lfw = join(repoRoot, '../shared/datasets/lfw/images');
  const img1 = readFileSync(join(lfw, 'Colin_Powell/Colin_Powell_0001.jpg'));
  const img2 = readFileSync(join(lfw, 'Colin_Powell/Colin_Powell_0002.jpg'));
  const metricsPort = 19000 + Math.floor(Math.random() * 1000);
  const server = await startBenchServer({ FACENITION_METRICS_PORT: String(metricsPort) }, 'soak benchmark');
  const { port, token } = server;
  const scrape = async (): Promise<string> => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  try {
    const secrets = { password: 'soak benchmark secret', scope: 'bench.example/login' };
    const auth = await authenticateBody(port, token, img1, img2, secrets);
    const match = multipart({ image1: img1, image2: img2 });
    let n = 0;
    // the mix: one /authenticate (KDF + one face) for every /match (two faces, no KDF)
    const call = async (): Promise<number> =>
      n++ % 2 === 0
        ? (await postText(port, '/authenticate', token, auth.body, auth.type)).status
        : (await postText(port, '/match', token, match.body, match.type)).status;
    for (let i = 0; i < 6; i++) await call();
    const cap = await closedLoop(8, 20, async () => (await call()) === 200);
    const capacity = cap.lat.length / 20;
    const rate = capacity * factor;
    console.log(
      `server: ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, Node ${process.version}; capacity (closed loop, 8 callers, 20 s): ` +
        `${capacity.toFixed(1)} req/s (median ${percentile(cap.lat, 50).toFixed(0)} ms); soak: ${minutes} min open loop at ${rate.toFixed(1)} req/s (x${factor})`,
    );
    await scrape(); // resets the event-loop histogram: the first sample covers its own 10 s only
    const samples: Sample[] = [];
    let interval = { ok: 0, shed: 0, other: 0, lat: [] as number[] };
    let outstanding = 0;
    let skipped = 0;
    const totals = { ok: 0, shed: 0, other: 0, failed: 0 };
    const t0 = Date.now();
    const end = t0 + minutes * 60_000;
    let nextSample = t0 + 10_000;
    let sent = 0;
    const inflight = new Set<Promise<void>>();
    while (Date.now() < end) {
      const due = t0 + (sent * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, 50)));
      if (Date.now() >= nextSample) {
        const text = await scrape();
        const lat = interval.lat.sort((a, b) => a - b);
        const s: Sample = {
          t: (nextSample - t0) / 1000,
          rssMb: metric(text, 'facenition_process_resident_memory_bytes') / 2 ** 20,
          heapMb: metric(text, 'facenition_nodejs_heap_size_used_bytes') / 2 ** 20,
          lagP99Ms: metric(text, 'facenition_nodejs_eventloop_lag_p99_seconds') * 1000,
          ok: interval.ok,
          shed: interval.shed,
          other: interval.other,
          p99Ms: lat.length ? percentile(lat, 99) : 0,
        };
        samples.push(s);
        console.log(
          `t=${String(s.t).padStart(4)} s  rss ${s.rssMb.toFixed(1)} MB  heap ${s.heapMb.toFixed(1)} MB  event-loop p99 ${s.lagP99Ms.toFixed(1)} ms  ` +
            `200: ${s.ok}  503: ${s.shed}  other: ${s.other}  accepted p99 ${s.p99Ms.toFixed(0)} ms`,
        );
        interval = { ok: 0, shed: 0, other: 0, lat: [] };
        nextSample += 10_000;
      }
      if (Date.now() < due) continue;
      sent++;
      if (outstanding >= outstandingMax) {
        skipped++;
        continue;
      }
      outstanding++;
      const t = performance.now();
      const p = call()
        .then((status) => {
          const k = status === 200 ? 'ok' : status === 503 ? 'shed' : 'other';
          interval[k]++;
          totals[k]++;
          if (status === 200) interval.lat.push(performance.now() - t);
        })
        .catch(() => {
          totals.failed++;
        })
        .finally(() => {
          outstanding--;
          inflight.delete(p);
        });
      inflight.add(p);
    }
    await Promise.all(inflight);
    const after = samples.filter((s) => s.t > 60);
    const rssSlope = slope(
      after.map((s) => s.t / 60),
      after.map((s) => s.rssMb),
    );
    const heapSlope = slope(
      after.map((s) => s.t / 60),
      after.map((s) => s.heapMb),
    );
    const first = after.slice(0, 6);
    const last = after.slice(-6);
    const mean = (xs: Sample[], f: (s: Sample) => number) => xs.reduce((a, s) => a + f(s), 0) / xs.length;
    console.log(
      `answers: ${totals.ok} x 200, ${totals.shed} x 503 (shed), ${totals.other} other, ${totals.failed} connection failures; ` +
        `${skipped} arrivals not sent (${outstandingMax} already outstanding)`,
    );
    console.log(
      `memory after the first minute: RSS ${mean(first, (s) => s.rssMb).toFixed(1)} MB (minutes 1-2) -> ${mean(last, (s) => s.rssMb).toFixed(1)} MB (last minute), ` +
        `slope ${rssSlope.toFixed(2)} MB/min; heap slope ${heapSlope.toFixed(2)} MB/min; ` +
        `event-loop delay p99: median of samples ${percentile(
          samples.map((s) => s.lagP99Ms).sort((a, b) => a - b),
          50,
        ).toFixed(1)} ms, max ${Math.max(...samples.map((s) => s.lagP99Ms)).toFixed(1)} ms`,
    );
    mkdirSync(dirname(svgPath), { recursive: true });
    writeFileSync(
      svgPath,
      plot(
        samples,
        `bench:soak: ${minutes} min at ${rate.toFixed(1)} req/s (x${factor} of ${capacity.toFixed(1)} req/s), sampled every 10 s`,
      ) + '\n',
    );
    console.log(`plot: ${svgPath}`);
  } finally {
    server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
