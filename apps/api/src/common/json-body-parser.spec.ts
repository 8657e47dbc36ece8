import { jsonDepthExceeded } from './json-body-parser';

describe('jsonDepthExceeded', () => {
  it('counts nested arrays and objects', () => {
    expect(jsonDepthExceeded('{"a":[[1,2],[3]]}', 3)).toBe(false);
    expect(jsonDepthExceeded('{"a":[[1,2],[3]]}', 2)).toBe(true);
    expect(jsonDepthExceeded('[]', 1)).toBe(false);
    expect(jsonDepthExceeded('[[]]', 1)).toBe(true);
    expect(jsonDepthExceeded('[1][2][3]', 1)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeded('{"a":"[[[[{{{{"}', 1)).toBe(false);
    expect(jsonDepthExceeded('{"a":"\\"[[[[","b":1}', 1)).toBe(false);
    expect(jsonDepthExceeded('{"a":"\\\\","b":[[1]]}', 2)).toBe(true);
  });

  it('refuses 50,000 levels without recursing', () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    expect(jsonDepthExceeded(deep, 64)).toBe(true);
    expect(jsonDepthExceeded('['.repeat(64) + ']'.repeat(64), 64)).toBe(false);
  });
});
