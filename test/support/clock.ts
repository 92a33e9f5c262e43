/**
 * A clock for the app under test: wall time plus an offset the test moves, so expiry can be
 * tested without sleeping. Passed to createApp as the CLOCK of every expiry decision.
 */
export class TestClock {
  private offsetMs = 0;

  /** The app's `() => Date`. */
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);

  /** Moves the app's time forward by `ms`. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('a clock only moves forward');
    this.offsetMs += ms;
  }

  /** Back to wall time. */
  reset(): void {
    this.offsetMs = 0;
  }
}
