/**
 * A progress bar on stderr (stdout stays clean for --json and tables). On a terminal it
 * redraws one line; elsewhere (CI logs) it prints a line every 10%.
 */
export class Progress {
  private readonly start = performance.now();
  private lastPct = -1;
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly quiet = false,
  ) {}

  update(done: number, detail = ''): void {
    if (this.quiet) return;
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const elapsed = (performance.now() - this.start) / 1000;
    const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : 0;
    const width = 24;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const line = `${this.label} [${bar}] ${done}/${this.total} ${elapsed.toFixed(0)}s eta ${eta.toFixed(0)}s ${detail}`;
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line.padEnd(100).slice(0, process.stderr.columns ? process.stderr.columns - 1 : 100)}`);
    } else {
      const pct = Math.floor(frac * 10);
      if (pct !== this.lastPct) process.stderr.write(`${line}\n`);
      this.lastPct = pct;
    }
  }

  /** Final line; `at` is where the work stopped if it ended early (SFT's band, a stop). */
  done(detail = '', at = this.total): void {
    this.update(at, detail);
    if (!this.quiet && process.stderr.isTTY) process.stderr.write('\n');
  }
}
