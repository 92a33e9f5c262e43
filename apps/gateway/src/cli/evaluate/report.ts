import type { Bin, CurvePoint, LevelResult } from './scoring';

/**
 * report.html: one self-contained page (inline SVG charts rendered here with vega-lite + vega, inline
 * CSS, no script, no external resource). Aggregate numbers only: counts, rates, distributions.
 */

type Vega = typeof import('vega');
// types only: moduleResolution=node does not read vega-lite's "exports"
type VegaLite = typeof import('vega-lite/build/index');
type VlSpec = Parameters<VegaLite['compile']>[0];

/**
 * vega and vega-lite are ES modules with top-level await, which require() cannot load; TypeScript
 * compiles import() to require() under module=commonjs, so the import is built at run time.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a real dynamic import() from CommonJS output
const importModule = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

export async function renderSvg(spec: VlSpec): Promise<string> {
  const [vega, vl] = await Promise.all([importModule<Vega>('vega'), importModule<VegaLite>('vega-lite')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    // inline SVG in HTML needs no namespace declarations: the page then names no URL at all
    return svg.replace(/ xmlns(:xlink)?="[^"]*"/g, '');
  } finally {
    view.finalize();
  }
}

export interface ReportData {
  label: string;
  createdAt: string;
  version: string;
  dataDigest: string;
  people: number;
  photos: number;
  ignoredFiles: number;
  analysed: number;
  fte: Record<string, number>;
  lowQualityByComponent: Record<string, number>;
  liveness: { gateOn: boolean; gateThreshold: number; rejected: number; checked: number; endpointThreshold: number; belowEndpoint: number };
  genuinePairs: number;
  genuineTotal: number;
  impostorPairs: number;
  impostorTotal: number;
  protectedGenuineTrials: number;
  protectedImpostorTrials: number;
  minComponent: number;
  workers: number;
  timings: Record<string, number>;
  levels: LevelResult[];
  histograms: { name: string; set: 'genuine' | 'impostor'; bins: Bin[]; counted: number; total: number }[];
  curves: { name: string; points: CurvePoint[] }[];
  models: Record<string, string>;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (x: number | null | undefined, digits = 2): string =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : `${(100 * x).toFixed(digits)}%`;
const thr = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : x.toFixed(4));
const rate = (x: number | null | undefined): string =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : x === 0 ? '0' : x.toExponential(2);
const int = (x: number): string => x.toLocaleString('en-US');

const FTE_LABELS: Record<string, string> = {
  unreadable: 'unreadable image (format, size or corrupt file)',
  no_face: 'no face found',
  several_faces: 'several faces',
  low_quality: 'quality below the enrolment gate',
  error: 'analysis error',
};

const LEGEND = { orient: 'bottom', direction: 'vertical', labelLimit: 400 } as const;

function histogramSpec(title: string, rows: ReportData['histograms']): VlSpec {
  const values = rows.flatMap((h) => h.bins.map((b) => ({ set: `${h.set} (${int(h.counted)})`, lo: b.lo, hi: b.hi, share: b.share })));
  return {
    title,
    width: 430,
    height: 220,
    data: { values },
    mark: { type: 'bar', opacity: 0.55, binSpacing: 0 },
    encoding: {
      x: { field: 'lo', type: 'quantitative', bin: { binned: true, step: 0.02 }, title: 'score (≈ cosine similarity)' },
      x2: { field: 'hi' },
      y: { field: 'share', type: 'quantitative', stack: null, title: 'share of the set per 0.02 bin' },
      color: { field: 'set', type: 'nominal', title: null, scale: { range: ['#1b7837', '#b2182b'] }, legend: LEGEND },
    },
  };
}

function rocSpec(curves: ReportData['curves']): VlSpec {
  const values = curves.flatMap((c) => c.points.filter((p) => p.fmr > 0).map((p) => ({ curve: c.name, fmr: p.fmr, tar: 1 - p.fnmr })));
  return {
    title: 'ROC: true-match rate against false-match rate',
    width: 430,
    height: 260,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'fmr', type: 'quantitative', scale: { type: 'log' }, title: 'false-match rate (log)' },
      y: { field: 'tar', type: 'quantitative', scale: { zero: false }, title: 'true-match rate' },
      color: { field: 'curve', type: 'nominal', title: null, legend: LEGEND },
    },
  };
}

function detSpec(curves: ReportData['curves']): VlSpec {
  const values = curves.flatMap((c) =>
    c.points.filter((p) => p.fmr > 0 && p.fnmr > 0).map((p) => ({ curve: c.name, fmr: p.fmr, fnmr: p.fnmr })),
  );
  return {
    title: 'DET: false non-match rate against false-match rate',
    width: 430,
    height: 260,
    data: { values },
    mark: { type: 'line' },
    encoding: {
      x: { field: 'fmr', type: 'quantitative', scale: { type: 'log' }, title: 'false-match rate (log)' },
      y: { field: 'fnmr', type: 'quantitative', scale: { type: 'log' }, title: 'false non-match rate (log)' },
      color: { field: 'curve', type: 'nominal', title: null, legend: LEGEND },
    },
  };
}

export async function renderReport(d: ReportData): Promise<string> {
  const unprotected = d.histograms.filter((h) => h.name === 'unprotected');
  const prot = d.histograms.filter((h) => h.name !== 'unprotected');
  const charts = await Promise.all([
    renderSvg(histogramSpec('Unprotected scores (cosine similarity of embeddings)', unprotected)),
    renderSvg(histogramSpec(`Protected scores, ${prot[0]?.name ?? 'identity tokens'}`, prot)),
    renderSvg(rocSpec(d.curves)),
    renderSvg(detSpec(d.curves)),
  ]);
  const failed = Object.values(d.fte).reduce((a, b) => a + b, 0);
  const fteRows = Object.entries(d.fte)
    .map(([k, v]) => `<tr><td>${esc(FTE_LABELS[k] ?? k)}</td><td>${int(v)}</td><td>${pct(d.photos ? v / d.photos : NaN)}</td></tr>`)
    .join('');
  const lowQ = Object.entries(d.lowQualityByComponent)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${esc(k.replace('_', ' '))}: ${int(v)}`)
    .join(', ');
  const levelRows = d.levels
    .map(
      (l) => `<tr${l.level === 4 ? ' class="default"' : ''}>
<td>${l.level}</td><td>${l.targetFmr.toExponential(0)}</td>
<td>${thr(l.builtinMatch)}</td><td>${rate(l.builtin.fmr)}</td><td>${pct(l.builtin.fnmr)}</td>
<td>${thr(l.builtinToken)}</td><td>${rate(l.builtin.protectedFmr)}</td><td>${pct(l.builtin.protectedFnmr)}</td>
<td>${thr(l.matchQuantile)}</td><td>${l.protectedCalibrated ? (l.protectedQuantile === null ? 'key recovery suffices' : thr(l.protectedQuantile)) : '–'}</td>
<td><b>${thr(l.matchThreshold)}</b></td><td><b>${thr(l.tokenThreshold)}</b></td>
<td>${rate(l.atCalibrated?.fmr)} / ${pct(l.atCalibrated?.fnmr)}</td><td>${rate(l.atCalibrated?.protectedFmr)} / ${pct(l.atCalibrated?.protectedFnmr)}</td>
<td>${l.calibrated ? (l.raised.length ? `calibrated; raised to keep levels monotone (${esc(l.raised.join('; '))})` : l.protectedCalibrated ? 'calibrated' : 'calibrated (token: unprotected quantile only, < 10 protected false matches expected)') : esc(l.reason ?? '')}</td></tr>`,
    )
    .join('\n');
  const t = d.timings;
  const live = d.liveness;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Facenition evaluation: ${esc(d.label)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right;vertical-align:top}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}tr.default{background:#f6fbff}
td{white-space:nowrap}td:last-child{text-align:left;white-space:normal;min-width:200px}.charts{display:flex;flex-wrap:wrap;gap:12px}.note{color:#555;max-width:900px}
</style></head><body>
<h1>Facenition evaluation on “${esc(d.label)}”</h1>
<p class="note">facenition ${esc(d.version)} · ${esc(d.createdAt)} · data digest ${esc(d.dataDigest.slice(0, 16))}… (of the photo list and sizes, not of the images) ·
${d.workers} worker(s). This page holds aggregate numbers only: no photo, file name, person or embedding.</p>
<h2>Data</h2>
<table><tr><th>people</th><th>photos</th><th>analysed (enrolable)</th><th>genuine pairs</th><th>impostor pairs</th><th>protected genuine trials</th><th>protected impostor trials</th></tr>
<tr><td>${int(d.people)}</td><td>${int(d.photos)}</td><td>${int(d.analysed)} (${pct(d.photos ? d.analysed / d.photos : NaN)})</td>
<td>${int(d.genuinePairs)}${d.genuinePairs < d.genuineTotal ? ` sampled of ${int(d.genuineTotal)}` : ''}</td>
<td>${int(d.impostorPairs)}${d.impostorPairs < d.impostorTotal ? ` sampled of ${int(d.impostorTotal)}` : ''}</td>
<td>${int(d.protectedGenuineTrials)}</td><td>${int(d.protectedImpostorTrials)}</td></tr></table>
${d.ignoredFiles ? `<p class="note">${int(d.ignoredFiles)} file(s) ignored: not an image extension, or not inside a person folder.</p>` : ''}
<h2>Failure to enrol</h2>
<table><tr><th>cause</th><th>photos</th><th>share of photos</th></tr>${fteRows}
<tr><td><b>total</b></td><td><b>${int(failed)}</b></td><td><b>${pct(d.photos ? failed / d.photos : NaN)}</b></td></tr></table>
<p class="note">The same gates as enrolment (<code>POST /generate</code>): exactly one face, every quality component ≥ ${d.minComponent}${lowQ ? ` (first failing component: ${lowQ})` : ''}.</p>
<h2>Liveness on these bona fide photos</h2>
<p>Enrolment liveness gate (threshold ${live.gateThreshold}${live.gateOn ? '' : ', <b>off</b> in this configuration'}): <b>${pct(live.checked ? live.rejected / live.checked : NaN)}</b> rejected (${int(live.rejected)} of ${int(live.checked)} enrolable photos).
<code>/liveness</code> (threshold ${live.endpointThreshold}): ${pct(live.checked ? live.belowEndpoint / live.checked : NaN)} scored below it (${int(live.belowEndpoint)}).
Liveness-rejected photos stay in the accuracy figures below.</p>
<h2>Accuracy levels</h2>
<table><tr><th rowspan="2">level</th><th rowspan="2">target FMR</th><th colspan="3">built-in /match</th><th colspan="3">built-in token</th><th colspan="2">quantile at 1 − target</th><th colspan="2">calibrated</th><th colspan="2">FMR / FNMR at calibrated</th><th rowspan="2">status</th></tr>
<tr><th>threshold</th><th>FMR</th><th>FNMR</th><th>threshold</th><th>FMR</th><th>FNMR</th><th>unprotected</th><th>protected</th><th>match</th><th>token</th><th>unprotected</th><th>protected</th></tr>
${levelRows}</table>
<p class="note">A level is calibrated only where the impostor pairs times its target FMR reach 10; the token threshold is the stricter of the unprotected and the protected quantile (the protected one only where the protected trials times the target reach 10), as the built-in levels are made. Protected scores: each photo enrolled as a version-2 identity token with its level's polar code and opened with the other photo; a trial whose key is not recovered is a non-match. Thresholds are rounded up to 4 decimals.</p>
<h2>Score distributions</h2>
<p class="note">Shares per 0.02 bin within each set. Protected: trials whose key was recovered only (the others are non-matches at every threshold); the legend gives how many.</p>
<div class="charts">${charts[0]}${charts[1]}</div>
<h2>ROC and DET</h2><div class="charts">${charts[2]}${charts[3]}</div>
<h2>Run</h2>
<table><tr><th>phase</th><th>seconds</th></tr>${Object.entries(t)
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${v.toFixed(1)}</td></tr>`)
    .join('')}</table>
<p class="note">Models: ${Object.entries(d.models)
    .map(([k, v]) => `${esc(k)} ${esc(v.slice(0, 12))}…`)
    .join(', ')}</p>
</body></html>
`;
}
