/** A live line of counters on a terminal, redrawn at most every 200 ms; silent when not a TTY. */
export class CountersLine {
  private lastDraw = 0;
  readonly enabled: boolean;

  constructor(
    json: boolean,
    private readonly stream: NodeJS.WriteStream = process.stdout,
  ) {
    this.enabled = !json && Boolean(stream.isTTY);
  }

  update(render: () => string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 200) return;
    this.lastDraw = now;
    this.stream.write(`\r\x1b[2K${render()}`);
  }

  finish(): void {
    if (this.enabled) this.stream.write('\n');
  }
}
