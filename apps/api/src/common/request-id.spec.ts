import { REQUEST_ID_MAX_LENGTH, requestIdOf } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const idOf = (value?: string | string[]) =>
  requestIdOf({ headers: value === undefined ? {} : { 'x-request-id': value } });

describe('request id', () => {
  it('keeps a plausible id from the caller', () => {
    for (const id of ['abc-123', '0b3f6a0e-7c1d-4e8a-9a57-1f2c3d4e5f60', 'trace:01HZX/span+2=x']) {
      expect(idOf(id)).toBe(id);
    }
    expect(idOf('x'.repeat(REQUEST_ID_MAX_LENGTH))).toBe('x'.repeat(REQUEST_ID_MAX_LENGTH));
  });

  it('replaces a missing, long, repeated or odd id with a fresh UUID', () => {
    for (const bad of [
      undefined,
      '',
      'x'.repeat(REQUEST_ID_MAX_LENGTH + 1),
      'x'.repeat(15_000),
      'has space',
      'line\nbreak',
      '<script>',
      'caf\u00e9',
      ['a', 'b'],
    ]) {
      expect(idOf(bad)).toMatch(UUID);
    }
    expect(idOf()).not.toBe(idOf());
  });
});
