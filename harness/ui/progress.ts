/**
 * Progress for long work. On a terminal: one live line per step with a running clock. In CI or
 * when piped: plain timestamped lines, plus a heartbeat so a log never goes quiet for long.
 */
export class Progress {
  private readonly live: boolean;
  private current?: { title: string; started: number; detail: string; timer: NodeJS.Timeout };

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    live?: boolean,
  ) {
    this.live = live ?? (Boolean(out.isTTY) && !process.env.CI);
  }

  private stamp(): string {
    return new Date().toISOString().slice(11, 19);
  }

  private line(text: string): void {
    if (this.live) this.out.write(`\r\x1b[2K${text}\n`);
    else this.out.write(`[${this.stamp()}] ${text}\n`);
  }

  private redraw(): void {
    if (!this.current || !this.live) return;
    const s = ((Date.now() - this.current.started) / 1000).toFixed(0);
    const detail = this.current.detail ? `  ${this.current.detail}` : '';
    const cols = this.out.columns ?? 100;
    this.out.write(`\r\x1b[2K  … ${this.current.title} (${s}s)${detail}`.slice(0, cols + 5));
  }

  /** Runs one step, showing it while it runs and its duration when done. */
  async step<T>(title: string, fn: () => Promise<T>): Promise<T> {
    const parent = this.current;
    if (parent) clearInterval(parent.timer);
    const started = Date.now();
    if (!this.live) this.line(`▸ ${title}`);
    const timer = setInterval(
      () => {
        if (this.live) this.redraw();
        else this.line(`… ${title}: still working (${Math.round((Date.now() - started) / 1000)}s)`);
      },
      this.live ? 1000 : 20000,
    );
    timer.unref();
    this.current = { title, started, detail: '', timer };
    this.redraw();
    try {
      const result = await fn();
      this.finish(`✔ ${title} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
      return result;
    } catch (e) {
      this.finish(`✘ ${title} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
      throw e;
    } finally {
      this.current = parent;
      if (parent) {
        parent.timer = setInterval(() => this.redraw(), 1000);
        parent.timer.unref();
      }
    }
  }

  private finish(text: string): void {
    if (this.current) clearInterval(this.current.timer);
    this.line(`  ${text}`);
  }

  /** A detail of the running step (a build step, a wait); a line of its own in CI. */
  detail(text: string): void {
    if (this.live && this.current) {
      this.current.detail = text;
      this.redraw();
    } else {
      this.line(`    ${text}`);
    }
  }

  info(text: string): void {
    this.line(text);
  }
}

export const progress = new Progress();
