/** How often a shown line is rendered again while nothing else changes: its elapsed time keeps moving. */
const REFRESH_MS = 2_000;
/**
 * Nothing is shown before the operation has lasted this long: a job that ends sooner (a no-op plan, a few ms)
 * needs no status line, and a stack of 100 such jobs would otherwise cost the engine a few hundred log calls
 * while it is busiest. Anything slower still shows its lines, from the first 0.1 s.
 */
const QUIET_MS = 100;

/**
 * A resource's status line in `pulumi up` (ephemeral messages on its row). Messages go out one at a time, in
 * order, each after the engine took the previous one, and only the newest waits its turn: a line never
 * overwrites a newer one (log calls sent side by side could arrive out of order). The current line is
 * rendered again every 2 s, so a long quiet wait still shows its elapsed time moving. The first line goes out
 * after 0.1 s, with what is current then.
 */
export class StatusLine {
  private sending = false;
  private queued?: string;
  private render?: () => string;
  private quiet = true;
  private readonly timer: NodeJS.Timeout;
  private readonly start: NodeJS.Timeout;

  /** `send` shows one message on the resource's row (an ephemeral log line through the engine). */
  constructor(private readonly sendToEngine: (message: string) => Promise<void>) {
    this.timer = setInterval(() => {
      if (this.render) this.send(this.render());
    }, REFRESH_MS);
    this.timer.unref();
    this.start = setTimeout(() => {
      this.quiet = false;
      if (this.render) this.send(this.render());
    }, QUIET_MS);
    this.start.unref();
  }

  /** Shows `render()` (after the first 0.1 s) and re-renders it every 2 s until the next `show` or `close`. */
  show(render: () => string): void {
    this.render = render;
    if (!this.quiet) this.send(render());
  }

  /** Stops re-rendering (the last line stays until the engine replaces it). */
  close(): void {
    clearInterval(this.timer);
    clearTimeout(this.start);
    this.render = undefined;
  }

  private send(message: string): void {
    if (this.quiet) return;
    if (this.sending) {
      this.queued = message;
      return;
    }
    this.sending = true;
    void this.sendToEngine(message).then(() => {
      this.sending = false;
      const next = this.queued;
      this.queued = undefined;
      if (next !== undefined) this.send(next);
    });
  }
}
