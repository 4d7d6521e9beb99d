import { AsyncLocalStorage } from 'node:async_hooks';

interface Step {
  title: string;
  started: number;
  detail: string;
  /** CI only: this step's own heartbeat. */
  heartbeat?: NodeJS.Timeout;
}

/**
 * Progress for long work. On a terminal: one live line with a running clock. In CI or when
 * piped: plain timestamped lines, plus a heartbeat per step so a log never goes quiet for long.
 * Steps may run concurrently (images build in parallel, a KDC starts while Flink's image
 * builds): each knows its own start, and a detail goes to the step whose work reported it.
 */
export class Progress {
  private readonly live: boolean;
  private readonly active: Step[] = [];
  private readonly context = new AsyncLocalStorage<Step>();
  private ticker?: NodeJS.Timeout;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    live?: boolean,
    private readonly heartbeatMs = 20_000,
  ) {
    this.live = live ?? (Boolean(out.isTTY) && !process.env.CI);
  }

  private stamp(): string {
    return new Date().toISOString().slice(11, 19);
  }

  private line(text: string): void {
    if (this.live) this.out.write(`\r\x1b[2K${text}\n`);
    else this.out.write(`[${this.stamp()}] ${text}\n`);
    this.redraw();
  }

  /** Live: the running step that last started or reported, its detail, and how many run beside it. */
  private redraw(): void {
    const s = this.active.at(-1);
    if (!s || !this.live) return;
    const secs = ((Date.now() - s.started) / 1000).toFixed(0);
    const others = this.active.length > 1 ? `  (+${this.active.length - 1} running)` : '';
    const detail = s.detail ? `  ${s.detail}` : '';
    const cols = this.out.columns || 100; // 0 when the terminal reports no size
    this.out.write(`\r\x1b[2K  … ${s.title} (${secs}s)${others}${detail}`.slice(0, cols + 5));
  }

  /** Runs one step, showing it while it runs and its duration when done. */
  async step<T>(title: string, fn: () => Promise<T>): Promise<T> {
    const s: Step = { title, started: Date.now(), detail: '' };
    if (!this.live) {
      this.line(`▸ ${title}`);
      s.heartbeat = setInterval(() => this.line(`… ${title}: still working (${Math.round((Date.now() - s.started) / 1000)}s)`), this.heartbeatMs);
      s.heartbeat.unref();
    } else if (!this.ticker) {
      this.ticker = setInterval(() => this.redraw(), 1000);
      this.ticker.unref();
    }
    this.active.push(s);
    this.redraw();
    let mark = '✘';
    try {
      const result = await this.context.run(s, fn);
      mark = '✔';
      return result;
    } finally {
      if (s.heartbeat) clearInterval(s.heartbeat);
      this.active.splice(this.active.indexOf(s), 1);
      if (!this.active.length && this.ticker) {
        clearInterval(this.ticker);
        this.ticker = undefined;
      }
      this.line(`  ${mark} ${title} (${((Date.now() - s.started) / 1000).toFixed(1)}s)`);
    }
  }

  /** A detail of the running step (a build step, a wait); a line of its own in CI. */
  detail(text: string): void {
    const s = this.context.getStore();
    if (this.live && s && this.active.includes(s)) {
      s.detail = text;
      // The live line follows the latest news.
      this.active.splice(this.active.indexOf(s), 1);
      this.active.push(s);
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
