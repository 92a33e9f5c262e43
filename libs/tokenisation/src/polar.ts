/**
 * Binary polar code (Arıkan) with a soft-decision successive-cancellation list (SCL) decoder.
 *
 * Conventions
 * -----------
 * - Encoding: x = u · G_N over GF(2), G_N = F^{⊗m} (N = 2^m), F = [[1,0],[1,1]], with NO bit-reversal
 *   permutation. Entry (i, j) of G_N is 1 iff (i AND j) = j, i.e. row i of G_N has ones exactly at the
 *   columns j whose binary digits are a subset of those of i. Equivalently, recursively, with
 *   u = (u', u'') split into halves: x = (u'G ⊕ u''G, u''G). u is the length-N vector with the info
 *   bits at `infoPositions` (in ascending order) and 0 at every frozen position.
 *   Example, N = 8: row 3 = 11110000, row 5 = 11001100, row 6 = 10101010, row 7 = 11111111.
 * - Decoding follows the same recursion: for a node with input LLRs L (length 2h), the left child
 *   gets f(L_j, L_{j+h}) = sign·sign·min (min-sum), the right child gets g = L_{j+h} + (1 − 2a_j) L_j
 *   where a is the re-encoded left-child decision. Decisions are taken in natural order u_0 … u_{N−1}.
 * - LLRs: llr[i] = ln(P(x_i = 0) / P(x_i = 1)); the hard decision of an LLR is 0 when llr ≥ 0.
 *
 * Frozen set
 * ----------
 * Bhattacharyya-parameter construction for a BI-AWGN channel (computed in the log domain, so no
 * underflow for large N): z_0 = exp(−E_s/N_0) with E_s/N_0 = (k/n) · 10^(designSnrDb/10), i.e.
 * `designSnrDb` is E_b/N_0 in dB (the "design SNR" of Vangala–Viterbo–Hong, PCC-0); default 0 dB.
 * With natural ordering, the first polarisation step (the one next to the channel) corresponds to
 * the most significant bit of the index: going from MSB to LSB, a 1 squares z (z⁺ = z²) and a 0
 * applies the upper bound z⁻ = 2z − z². The k channels with the smallest z are the information
 * positions (ties broken towards the larger index).
 *
 * Decoder
 * -------
 * Recursive (node-based) SCL with per-path metrics in the usual LLR-based min-sum form: a decision
 * that disagrees with the hard decision of its LLR costs |LLR|; frozen bits are forced to 0 and
 * penalised when their LLR < 0. Sub-trees without information bits (rate-0 nodes) are decided in
 * one step with penalty Σ_j max(0, −α_j) over the node's LLRs, which under min-sum is exactly the sum
 * of the per-leaf penalties. Memory: per path and stage one LLR buffer, shared between paths with
 * reference counts (Tal–Vardy lazy copy: a path that must write a shared stage takes a free buffer,
 * nothing is copied since LLR buffers are always fully overwritten), plus per path the partial sums
 * (the re-encoded decisions, length N, prefix copied on a fork) and the info bits. Everything is
 * preallocated per list size and reused across calls; a PolarCode instance is not re-entrant
 * (fine in Node's single thread, decodeList is synchronous).
 */

export interface PolarCodeParams {
  /** code length, a power of two ≥ 2 */
  n: number;
  /** number of information bits, 0 ≤ k ≤ n */
  k: number;
  /** design E_b/N_0 in dB for the Bhattacharyya construction (default 0 dB) */
  designSnrDb?: number;
}

const DEFAULT_DESIGN_SNR_DB = 0;
const DEFAULT_LIST_SIZE = 8;

/** Preallocated decoder state for one list size. */
interface Workspace {
  listSize: number;
  /** alpha[s]: LLR buffers of stage s (node size 2^s), buffer b at offset b << s */
  alpha: Float64Array[];
  /** refCount[s * L + b]: number of paths using buffer b of stage s */
  refCount: Int32Array;
  /** bufOf[p * m + s]: buffer of stage s used by path p */
  bufOf: Int32Array;
  /** partial sums (re-encoded decisions) of path p at offset p * n */
  beta: Uint8Array;
  /** info bits of path p at offset p * k */
  bits: Uint8Array;
  metric: Float64Array;
  active: Int32Array;
  nActive: number;
  freeSlots: Int32Array;
  nFree: number;
  candMetric: Float64Array;
  candOrder: Int32Array;
  candKeep: Uint8Array;
  candPath: Int32Array;
  /** listContains: the info bits followed, and the path carrying their prefix (-1: none) */
  genie?: Uint8Array;
  geniePath: number;
  /** listContains: the followed path was pruned; the decode unwinds without further work */
  pruned: boolean;
  /** decodeList's early stop: bound on the best path metric after info bit r (NaN: no check at r) */
  bound?: Float64Array;
  /** info bits decided before the decode stopped (k when it ran to the end) */
  reached: number;
  /** when set, the best path metric after each info bit (for measuring bounds) */
  trace?: Float64Array;
}

function log2Exact(n: number): number {
  if (!Number.isInteger(n) || n < 2 || n > 2 ** 24 || (n & (n - 1)) !== 0) {
    throw new RangeError(`polar code length must be a power of two between 2 and 2^24, got ${n}`);
  }
  return 31 - Math.clz32(n);
}

/** k most reliable positions (ascending) by the log-domain Bhattacharyya bound, see file header. */
function constructInfoPositions(n: number, m: number, k: number, designSnrDb: number): Uint32Array {
  const esN0 = (k / n) * 10 ** (designSnrDb / 10);
  const logZ = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let lz = -esN0;
    for (let b = m - 1; b >= 0; b--) {
      if ((i >> b) & 1) {
        lz *= 2;
      } else {
        // ln(2z − z²) = ln z + ln(2 − z); z ≤ 1 so the argument stays in [1, 2]
        lz += Math.log(2 - Math.exp(lz));
      }
    }
    logZ[i] = lz;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => logZ[a] - logZ[b] || b - a);
  const info = Uint32Array.from(order.slice(0, k));
  info.sort();
  return info;
}

export class PolarCode {
  readonly n: number;
  readonly k: number;
  /** indices (0..n-1, ascending) of the k information bit positions; the rest are frozen to 0 */
  readonly infoPositions: Uint32Array;

  private readonly m: number;
  /** infoBefore[i] = number of info positions < i (length n + 1) */
  private readonly infoBefore: Uint32Array;
  private workspace: Workspace | undefined;
  /** channel LLRs of the decode in progress (stage m) */
  private channel: Float64Array = new Float64Array(0);

  constructor(params: PolarCodeParams) {
    const { n, k } = params;
    const designSnrDb = params.designSnrDb ?? DEFAULT_DESIGN_SNR_DB;
    this.m = log2Exact(n);
    if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`k must be an integer in [0, ${n}], got ${k}`);
    if (!Number.isFinite(designSnrDb)) throw new RangeError('designSnrDb must be finite');
    this.n = n;
    this.k = k;
    this.infoPositions = constructInfoPositions(n, this.m, k, designSnrDb);
    this.infoBefore = new Uint32Array(n + 1);
    let r = 0;
    for (let i = 0; i < n; i++) {
      this.infoBefore[i] = r;
      if (r < k && this.infoPositions[r] === i) r++;
    }
    this.infoBefore[n] = r;
  }

  /** Encodes k info bits (each 0/1) into the n-bit codeword x = u · G_N (see file header). */
  encode(info: Uint8Array): Uint8Array {
    if (info.length !== this.k) throw new RangeError(`info must have ${this.k} bits, got ${info.length}`);
    const n = this.n;
    const x = new Uint8Array(n);
    for (let r = 0; r < this.k; r++) {
      const bit = info[r];
      if (bit > 1) throw new RangeError('info bits must be 0 or 1');
      x[this.infoPositions[r]] = bit;
    }
    for (let h = 1; h < n; h <<= 1) {
      for (let start = 0; start < n; start += h << 1) {
        for (let j = start; j < start + h; j++) x[j] ^= x[j + h];
      }
    }
    return x;
  }

  /**
   * SCL decoding. llr[i] = log(P(x_i=0)/P(x_i=1)) for codeword bit i (positive means bit 0 more likely).
   * Keeps up to `listSize` paths (default 8); at the end returns candidate info-bit vectors ordered by path metric (best first).
   * The caller checks candidates (e.g. against a MAC tag) itself.
   */
  decodeList(llr: Float64Array, listSize: number = DEFAULT_LIST_SIZE): Uint8Array[] {
    return this.run(llr, listSize, undefined) as Uint8Array[];
  }

  /**
   * decodeList with an early stop: after info bit r (0-based), if even the best path's metric is
   * above `bound[r]`, the decode gives up and returns no candidate (entries that are NaN are not
   * checked). A probe far from every codeword — an impostor — accumulates metric at the rate of a
   * random word and is rejected after a few dozen info bits; a genuine probe stays below a bound
   * measured on genuine pairs (docs/token-format.md §11). `reached` tells how far it got.
   */
  decodeListBounded(
    llr: Float64Array,
    listSize: number,
    bound: Float64Array | undefined,
    trace?: Float64Array,
  ): { candidates: Uint8Array[]; reached: number } {
    if (bound && bound.length !== this.k) throw new RangeError(`bound must have ${this.k} entries`);
    if (trace && trace.length !== this.k) throw new RangeError(`trace must have ${this.k} entries`);
    const candidates = this.run(llr, listSize, undefined, { bound, trace }) as Uint8Array[];
    return { candidates, reached: this.workspace!.reached };
  }

  /**
   * Whether decodeList(llr, listSize) would return `info` among its candidates, with an early stop
   * as soon as the path carrying `info`'s prefix is pruned (a pruned path never comes back, so the
   * answer is the same as decoding to the end and searching the list). For evaluations that know
   * the committed key (bench:tokens): impostor decodes end after a few information bits.
   */
  listContains(llr: Float64Array, listSize: number, info: Uint8Array): boolean {
    if (info.length !== this.k) throw new RangeError(`info must have ${this.k} bits, got ${info.length}`);
    return this.run(llr, listSize, info) as boolean;
  }

  private run(
    llr: Float64Array,
    listSize: number,
    genie: Uint8Array | undefined,
    early: { bound?: Float64Array; trace?: Float64Array } = {},
  ): Uint8Array[] | boolean {
    const n = this.n;
    const k = this.k;
    if (llr.length !== n) throw new RangeError(`llr must have ${n} values, got ${llr.length}`);
    if (!Number.isInteger(listSize) || listSize < 1 || listSize > 1024) {
      throw new RangeError(`listSize must be an integer in [1, 1024], got ${listSize}`);
    }
    for (let i = 0; i < n; i++) if (!Number.isFinite(llr[i])) throw new RangeError('llr values must be finite');

    const ws = this.prepare(listSize);
    ws.genie = genie;
    ws.geniePath = genie ? 0 : -1;
    ws.pruned = false;
    ws.reached = k;
    ws.bound = early.bound;
    ws.trace = early.trace;
    this.channel = llr;
    try {
      this.decodeNode(ws, this.m, 0);
    } finally {
      this.channel = new Float64Array(0);
      ws.genie = undefined;
      ws.bound = undefined;
      ws.trace = undefined;
    }
    if (genie) return !ws.pruned;
    if (ws.pruned) return [];

    // stable sort: equal metrics keep the list order
    const order = Array.from(ws.active.subarray(0, ws.nActive));
    order.sort((a, b) => ws.metric[a] - ws.metric[b]);
    return order.map((p) => ws.bits.slice(p * k, p * k + k));
  }

  /** Returns the (cached) workspace for `listSize`, reset to a single empty path in slot 0. */
  private prepare(listSize: number): Workspace {
    const n = this.n;
    const m = this.m;
    let ws = this.workspace;
    if (ws?.listSize !== listSize) {
      const alpha: Float64Array[] = [];
      for (let s = 0; s < m; s++) alpha.push(new Float64Array(listSize << s));
      ws = {
        listSize,
        alpha,
        refCount: new Int32Array(m * listSize),
        bufOf: new Int32Array(listSize * m),
        beta: new Uint8Array(listSize * n),
        bits: new Uint8Array(listSize * this.k),
        metric: new Float64Array(listSize),
        active: new Int32Array(listSize),
        nActive: 0,
        freeSlots: new Int32Array(listSize),
        nFree: 0,
        candMetric: new Float64Array(2 * listSize),
        candOrder: new Int32Array(2 * listSize),
        candKeep: new Uint8Array(2 * listSize),
        candPath: new Int32Array(listSize),
        geniePath: -1,
        pruned: false,
        reached: this.k,
      };
      this.workspace = ws;
    }
    ws.refCount.fill(0);
    ws.bufOf.fill(0);
    for (let s = 0; s < m; s++) ws.refCount[s * listSize] = 1;
    ws.metric[0] = 0;
    ws.active[0] = 0;
    ws.nActive = 1;
    ws.nFree = 0;
    for (let p = listSize - 1; p >= 1; p--) ws.freeSlots[ws.nFree++] = p;
    return ws;
  }

  /** Offset of a buffer of stage s < m that path p may overwrite (takes a free buffer if shared). */
  private writableOffset(ws: Workspace, p: number, s: number): number {
    const L = ws.listSize;
    const slot = p * this.m + s;
    let b = ws.bufOf[slot];
    const rc = ws.refCount;
    if (rc[s * L + b] > 1) {
      rc[s * L + b]--;
      b = 0;
      while (rc[s * L + b] !== 0) b++;
      rc[s * L + b] = 1;
      ws.bufOf[slot] = b;
    }
    return b << s;
  }

  /**
   * Decodes the node of size 2^s covering u positions [start, start + 2^s) for every active path;
   * on entry each path's stage-s LLRs hold the node's input, on exit beta[start, start + 2^s) holds
   * the node's re-encoded decisions.
   */
  private decodeNode(ws: Workspace, s: number, start: number): void {
    const m = this.m;
    const n = this.n;
    const size = 1 << s;
    const nInfo = this.infoBefore[start + size] - this.infoBefore[start];
    const isRoot = s === m;
    const src = isRoot ? this.channel : ws.alpha[s];

    if (nInfo === 0) {
      // rate-0 node: all decisions 0, penalty for every negative LLR
      for (let a = 0; a < ws.nActive; a++) {
        const p = ws.active[a];
        const so = isRoot ? 0 : ws.bufOf[p * m + s] << s;
        let penalty = 0;
        for (let j = so; j < so + size; j++) {
          const v = src[j];
          if (v < 0) penalty -= v;
        }
        ws.metric[p] += penalty;
        ws.beta.fill(0, p * n + start, p * n + start + size);
      }
      return;
    }
    if (s === 0) {
      this.decideInfoBit(ws, start);
      return;
    }

    const h = size >> 1;
    const dst = ws.alpha[s - 1];
    // left child: f
    for (let a = 0; a < ws.nActive; a++) {
      const p = ws.active[a];
      const so = isRoot ? 0 : ws.bufOf[p * m + s] << s;
      const d = this.writableOffset(ws, p, s - 1);
      for (let j = 0; j < h; j++) {
        const x = src[so + j];
        const y = src[so + h + j];
        const ax = x < 0 ? -x : x;
        const ay = y < 0 ? -y : y;
        const mn = ax < ay ? ax : ay;
        dst[d + j] = x < 0 !== y < 0 ? -mn : mn;
      }
    }
    this.decodeNode(ws, s - 1, start);
    if (ws.pruned) return;

    // right child: g (paths may have been forked or pruned meanwhile)
    const beta = ws.beta;
    for (let a = 0; a < ws.nActive; a++) {
      const p = ws.active[a];
      const so = isRoot ? 0 : ws.bufOf[p * m + s] << s;
      const d = this.writableOffset(ws, p, s - 1);
      const bo = p * n + start;
      for (let j = 0; j < h; j++) {
        const x = src[so + j];
        const y = src[so + h + j];
        dst[d + j] = beta[bo + j] === 0 ? y + x : y - x;
      }
    }
    this.decodeNode(ws, s - 1, start + h);
    if (ws.pruned) return;

    // combine: x = (a ⊕ b, b)
    for (let a = 0; a < ws.nActive; a++) {
      const bo = ws.active[a] * n + start;
      for (let j = bo; j < bo + h; j++) beta[j] ^= beta[j + h];
    }
  }

  /** Information bit at u position i: fork every path on both values and keep the best listSize. */
  private decideInfoBit(ws: Workspace, i: number): void {
    const m = this.m;
    const n = this.n;
    const k = this.k;
    const L = ws.listSize;
    const r = this.infoBefore[i];
    const src = ws.alpha[0];
    const P = ws.nActive;
    const { candMetric, candOrder, candKeep, candPath, metric } = ws;

    for (let a = 0; a < P; a++) {
      const p = ws.active[a];
      const v = src[ws.bufOf[p * m]];
      const base = metric[p];
      candPath[a] = p;
      candMetric[2 * a] = v < 0 ? base - v : base;
      candMetric[2 * a + 1] = v > 0 ? base + v : base;
    }

    const nCand = 2 * P;
    if (nCand <= L) {
      candKeep.fill(1, 0, nCand);
    } else {
      // insertion sort of the ≤ 2L candidates by (metric, index); keep the first L
      for (let c = 0; c < nCand; c++) {
        let q = c;
        const mc = candMetric[c];
        while (q > 0 && candMetric[candOrder[q - 1]] > mc) {
          candOrder[q] = candOrder[q - 1];
          q--;
        }
        candOrder[q] = c;
      }
      candKeep.fill(0, 0, nCand);
      for (let q = 0; q < L; q++) candKeep[candOrder[q]] = 1;
      // release the paths losing both continuations first, so their slots can host the forks
      for (let a = 0; a < P; a++) {
        if (candKeep[2 * a] === 0 && candKeep[2 * a + 1] === 0) this.releasePath(ws, candPath[a]);
      }
    }

    const genie = ws.genie;
    const genieBit = genie ? genie[r] : 0;
    let genieNext = -1;
    ws.nActive = 0;
    for (let a = 0; a < P; a++) {
      const p = candPath[a];
      const keep0 = candKeep[2 * a] === 1;
      const keep1 = candKeep[2 * a + 1] === 1;
      if (!keep0 && !keep1) continue;
      if (genie && p === ws.geniePath && candKeep[2 * a + genieBit] === 1) genieNext = p;
      if (keep0 && keep1) {
        const q = ws.freeSlots[--ws.nFree];
        if (genie && p === ws.geniePath && genieBit === 1) genieNext = q;
        for (let s = 0; s < m; s++) {
          const b = ws.bufOf[p * m + s];
          ws.bufOf[q * m + s] = b;
          ws.refCount[s * L + b]++;
        }
        ws.beta.copyWithin(q * n, p * n, p * n + i);
        ws.bits.copyWithin(q * k, p * k, p * k + r);
        this.setBit(ws, q, i, r, 1, candMetric[2 * a + 1]);
        ws.active[ws.nActive++] = p;
        ws.active[ws.nActive++] = q;
        this.setBit(ws, p, i, r, 0, candMetric[2 * a]);
      } else {
        const bit = keep0 ? 0 : 1;
        this.setBit(ws, p, i, r, bit, candMetric[2 * a + bit]);
        ws.active[ws.nActive++] = p;
      }
    }
    if (genie) {
      ws.geniePath = genieNext;
      if (genieNext < 0) ws.pruned = true;
    }
    const bound = ws.bound;
    if (ws.trace || (bound && !Number.isNaN(bound[r]))) {
      let best = Infinity;
      for (let a = 0; a < ws.nActive; a++) best = Math.min(best, metric[ws.active[a]]);
      if (ws.trace) ws.trace[r] = best;
      if (bound && best > bound[r]) {
        ws.pruned = true;
        ws.reached = r + 1;
      }
    }
  }

  private setBit(ws: Workspace, p: number, i: number, r: number, bit: number, pathMetric: number): void {
    ws.beta[p * this.n + i] = bit;
    ws.bits[p * this.k + r] = bit;
    ws.metric[p] = pathMetric;
  }

  private releasePath(ws: Workspace, p: number): void {
    const m = this.m;
    const L = ws.listSize;
    for (let s = 0; s < m; s++) ws.refCount[s * L + ws.bufOf[p * m + s]]--;
    ws.freeSlots[ws.nFree++] = p;
  }
}
