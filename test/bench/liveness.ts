/**
 * Passive liveness on NUAA (print attacks): APCER / BPCER / ACER (ISO/IEC 30107-3) at the
 * configured threshold and a threshold sweep; also the share of bona fide LFW news photos that
 * pass, which matters for gating uploads that are not webcam frames.
 *   npm run bench:liveness -- --data ../shared/datasets/liveness-nuaa [--lfw ../shared/datasets/lfw] [--threshold 0.5]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { arg, mapLimit, median, rng, startPool } from './common';

async function main(): Promise<void> {
  const data = resolve(arg('data'));
  const lfw = resolve(arg('lfw', join(data, '../lfw')));
  const configured = Number(arg('threshold', process.env.FACENITION_LIVENESS_THRESHOLD ?? '0.5'));
  const rows = readFileSync(join(data, 'labels.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const items = rows.map((r) => ({ path: join(data, r[0]), live: r[1] === 'live' }));
  const pool = await startPool();
  const times: number[] = [];
  const scores = await mapLimit(items, 4, async (it) => {
    const r = await pool.analyze(readFileSync(it.path), { liveness: true });
    if (r.timings.liveness !== undefined) times.push(r.timings.liveness);
    return r.liveness ? r.liveness.score : null; // null: no face found
  });
  const live = items.flatMap((it, i) => (it.live ? [scores[i]] : []));
  const spoof = items.flatMap((it, i) => (!it.live ? [scores[i]] : []));
  console.log(`NUAA subset: ${live.length} bona fide, ${spoof.length} print attacks`);
  console.log(`  no face found: bona fide ${live.filter((s) => s === null).length}, attacks ${spoof.filter((s) => s === null).length}`);
  console.log(`  liveness model median ${median(times).toFixed(1)} ms per face`);
  // a presentation with no face detected is rejected: an error for bona fide, not an accepted attack
  const rates = (t: number) => {
    const apcer = spoof.filter((s) => s !== null && s >= t).length / spoof.length;
    const bpcer = live.filter((s) => s === null || s < t).length / live.length;
    return { apcer, bpcer, acer: (apcer + bpcer) / 2 };
  };
  const fmt = (v: number) => `${(100 * v).toFixed(2)}%`;
  console.log('\n## Threshold sweep (live if score >= threshold)');
  console.log('  threshold  APCER    BPCER    ACER');
  for (const t of [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99]) {
    const r = rates(t);
    console.log(`  ${t.toFixed(2).padEnd(9)}  ${fmt(r.apcer).padEnd(7)}  ${fmt(r.bpcer).padEnd(7)}  ${fmt(r.acer)}`);
  }
  const c = rates(configured);
  console.log(`\n## At the configured threshold ${configured}: APCER ${fmt(c.apcer)}  BPCER ${fmt(c.bpcer)}  ACER ${fmt(c.acer)}`);
  const ls = spoof.filter((s): s is number => s !== null).sort((a, b) => b - a);
  const lb = live.filter((s): s is number => s !== null).sort((a, b) => a - b);
  console.log(`  highest attack score ${ls[0]?.toFixed(4)}, lowest bona fide score ${lb[0]?.toFixed(4)}`);

  if (existsSync(join(lfw, 'images'))) {
    const people = readdirSync(join(lfw, 'images')).sort();
    const rand = rng(7);
    const sample: string[] = [];
    while (sample.length < 1000) {
      const p = people[Math.floor(rand() * people.length)];
      const files = readdirSync(join(lfw, 'images', p));
      sample.push(join(lfw, 'images', p, files[Math.floor(rand() * files.length)]));
    }
    const ls2 = await mapLimit(sample, 4, async (f) => (await pool.analyze(readFileSync(f), { liveness: true })).liveness?.score ?? null);
    console.log(`\n## Bona fide LFW news photos (1000 random, seed 7): share scored live`);
    for (const t of [...new Set([0.1, 0.3, 0.5, configured, 0.9])].sort((a, b) => a - b)) {
      console.log(`  threshold ${t.toFixed(2)}: ${fmt(ls2.filter((s) => s !== null && s >= t).length / ls2.length)}`);
    }
  }
  await pool.close();
}

void main();
