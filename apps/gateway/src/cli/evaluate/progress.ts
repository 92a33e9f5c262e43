/** Minutes:seconds (or h:mm:ss) for an ETA or an elapsed time. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** `[#####.....] 512/1034 photos  49%  ETA 0:41`: counts only, never a file name. */
export function progressLine(done: number, total: number, unit: string, elapsedSeconds: number, width = 30): string {
  const f = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(f * width);
  const eta = done > 0 ? (elapsedSeconds / done) * (total - done) : NaN;
  const pct = `${Math.floor(f * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${unit} ${pct}  ${done >= total ? `in ${clock(elapsedSeconds)}` : `ETA ${clock(eta)}`}`;
}

/**
 * A progress bar on stderr: redrawn in place at most 4 times a second on a terminal; one line per
 * 10% otherwise (a log file stays readable).
 */
export class Progress {
  private readonly t0 = performance.now();
  private last = 0;
  private lastDecile = -1;
  private done = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
    private readonly write: (s: string) => void = (s) => process.stderr.write(s),
    private readonly tty = process.stderr.isTTY === true,
  ) {}

  tick(n = 1): void {
    this.done += n;
    const now = performance.now();
    if (this.tty) {
      if (now - this.last < 250 && this.done < this.total) return;
      this.last = now;
      this.write(`\r${this.label} ${progressLine(this.done, this.total, this.unit, (now - this.t0) / 1000)}`);
    } else {
      const decile = this.total > 0 ? Math.floor((10 * this.done) / this.total) : 10;
      if (decile === this.lastDecile) return;
      this.lastDecile = decile;
      this.write(`${this.label} ${progressLine(this.done, this.total, this.unit, (now - this.t0) / 1000)}\n`);
    }
  }

  /** Seconds since the bar was created; ends the line on a terminal. */
  finish(): number {
    const seconds = (performance.now() - this.t0) / 1000;
    if (this.tty) this.write(`\r${this.label} ${progressLine(this.done, this.total, this.unit, seconds)}\n`);
    else if (this.lastDecile !== 10) this.write(`${this.label} ${progressLine(this.done, this.total, this.unit, seconds)}\n`);
    return seconds;
  }
}
