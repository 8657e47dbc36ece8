import { applyRewrites, shellBlocks } from './readme-blocks';

describe('shellBlocks', () => {
  const md = [
    '# t',
    '```bash',
    'echo one',
    '```',
    'text',
    '```bash readme-test:skip',
    'npm start',
    '```',
    '```',
    'not a shell block',
    '```',
    '````sh',
    'echo "```"',
    '````',
    '```json',
    '{}',
    '```',
  ].join('\n');

  it('finds shell blocks in order, marks skipped ones, ignores other languages', () => {
    expect(shellBlocks(md)).toEqual([
      { line: 2, info: 'bash', code: 'echo one', run: true },
      { line: 6, info: 'bash readme-test:skip', code: 'npm start', run: false },
      { line: 12, info: 'sh', code: 'echo "```"', run: true },
    ]);
  });

  it('refuses an unclosed block', () => {
    expect(() => shellBlocks('```bash\necho')).toThrow(/line 1: code block is never closed/);
  });

  it('rewrites every occurrence', () => {
    expect(
      applyRewrites('curl localhost:3000/a localhost:3000/b', [
        { from: 'localhost:3000', to: 'localhost:4321', why: 'port' },
      ]),
    ).toBe('curl localhost:4321/a localhost:4321/b');
  });
});
