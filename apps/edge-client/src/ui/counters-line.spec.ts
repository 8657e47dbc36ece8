import { CountersLine } from './counters-line';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('the live counters line', () => {
  it('redraws one line on a terminal, at most every 200 ms unless forced', () => {
    const { stream, writes } = fakeStream(true);
    const line = new CountersLine(false, stream);
    line.update(() => '1 sample');
    line.update(() => '2 samples');
    line.update(() => '3 samples', true);
    line.finish();
    expect(writes).toEqual(['\r\x1b[2K1 sample', '\r\x1b[2K3 samples', '\n']);
  });

  it('stays silent when not a terminal or with --json', () => {
    for (const [tty, json] of [
      [false, false],
      [true, true],
    ]) {
      const { stream, writes } = fakeStream(tty);
      const line = new CountersLine(json, stream);
      line.update(() => 'x', true);
      line.finish();
      expect(writes).toEqual([]);
    }
  });
});
