/**
 * What the client says while it works. With --json every event is one JSON line on stdout
 * (for supervisors and tests); otherwise a short human line on stderr, so stdout stays free for
 * the live counters line.
 */
export class ClientLog {
  constructor(
    readonly json: boolean,
    private readonly role: string,
  ) {}

  event(event: string, fields: Record<string, unknown> = {}, message?: string): void {
    if (this.json) {
      process.stdout.write(
        `${JSON.stringify({ event, role: this.role, time: new Date().toISOString(), ...fields })}\n`,
      );
      return;
    }
    const text =
      message ??
      `${event} ${Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join(' ')}`;
    process.stderr.write(`${this.clearLine()}edge-client [${this.role}] ${text}\n`);
  }

  warn(event: string, message: string, fields: Record<string, unknown> = {}): void {
    this.event(event, { level: 'warn', message, ...fields }, `warning: ${message}`);
  }

  private clearLine(): string {
    return process.stdout.isTTY ? '\r\x1b[2K' : '';
  }
}
