import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientState, StateError } from './client-state';

describe('client state directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'edge-state-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const meta = (etag: string) => ({
    modelName: 'cams',
    version: 1,
    tier: 'device' as const,
    deviceIndex: 0,
    etag: `"${etag}"`,
    signature: 'c2ln',
    signatureStatement: 'v2',
    keyId: 'k',
  });

  it('installs a partition (0600 in a 0700 directory) and drops the one it replaces', () => {
    const state = new ClientState(join(root, 'a'));
    const first = state.install(Uint8Array.from([1, 2, 3]), meta('a'.repeat(64)));
    const second = state.install(Uint8Array.from([4, 5]), meta('b'.repeat(64)));
    expect(statSync(state.dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(state.dir, second.fileName)).mode & 0o777).toBe(0o600);
    expect(statSync(join(state.dir, 'installed.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(state.dir).filter((n) => n.startsWith('partition-'))).toEqual([
      second.fileName,
    ]);
    expect(first.fileName).not.toBe(second.fileName);
    expect(state.installed()).toEqual(second);
    expect([...state.partitionBytes(second)]).toEqual([4, 5]);
  });

  it('says up front when the state directory cannot be written', () => {
    writeFileSync(join(root, 'a-file'), '');
    const state = new ClientState(join(root, 'a-file', 'state'));
    expect(() => state.checkWritable()).toThrow(StateError);
    expect(() => state.checkWritable()).toThrow(
      `cannot write the state directory ${join(root, 'a-file', 'state')}: ENOTDIR`,
    );
    const fine = new ClientState(join(root, 'fresh'));
    fine.checkWritable();
    expect(readdirSync(fine.dir)).toEqual([]);
  });

  it('refuses an installed.json whose file name points outside the state directory', () => {
    const state = new ClientState(join(root, 'b'));
    const installed = state.install(Uint8Array.from([1]), meta('c'.repeat(64)));
    writeFileSync(join(root, 'elsewhere'), 'not a partition');
    for (const fileName of ['../elsewhere', join(root, 'elsewhere'), 'partition-x/../../x.ddnnp']) {
      writeFileSync(join(state.dir, 'installed.json'), JSON.stringify({ ...installed, fileName }));
      expect(() => state.installed()).toThrow(StateError);
      expect(() => state.installed()).toThrow('fileName must be partition-<sha256>.ddnnp');
    }
    expect(readFileSync(join(root, 'elsewhere'), 'utf8')).toBe('not a partition');
  });
});
