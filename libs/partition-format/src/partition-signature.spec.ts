import { PartitionFormatError } from './partition-file';
import { partitionSignatureStatement } from './partition-signature';

const SHA = 'ab'.repeat(32);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('partition signature statement', () => {
  it('states model, version, tier, device and the file sha256 in a fixed text', () => {
    expect(
      text(
        partitionSignatureStatement({
          modelName: 'cams',
          version: 3,
          tier: 'device',
          deviceIndex: 2,
          fileSha256: SHA,
        }),
      ),
    ).toBe(
      `ddnn-partition-signature/v2\nmodel=cams\nversion=3\ntier=device\ndevice=2\nsha256=${SHA}`,
    );
    expect(
      text(
        partitionSignatureStatement({
          modelName: 'cams',
          version: 12,
          tier: 'local',
          deviceIndex: null,
          fileSha256: SHA,
        }),
      ),
    ).toBe(
      `ddnn-partition-signature/v2\nmodel=cams\nversion=12\ntier=local\ndevice=-\nsha256=${SHA}`,
    );
  });

  it('refuses values that would make the statement ambiguous', () => {
    const ok = {
      modelName: 'cams',
      version: 1,
      tier: 'device' as const,
      deviceIndex: 0,
      fileSha256: SHA,
    };
    const bad: [Partial<typeof ok> | Record<string, unknown>, string][] = [
      [{ modelName: 'cams\nversion=9' }, 'line break'],
      [{ modelName: '' }, 'empty'],
      [{ version: 0 }, 'not a positive integer'],
      [{ version: Number.NaN }, 'not a positive integer'],
      [{ version: 1.5 }, 'not a positive integer'],
      [{ tier: 'everything' }, 'unknown tier'],
      [{ deviceIndex: -1 }, 'not an index'],
      [{ fileSha256: SHA.toUpperCase() }, 'not hex'],
      [{ fileSha256: 'ab' }, 'not hex'],
    ];
    for (const [change, reason] of bad) {
      const fields = { ...ok, ...change } as typeof ok;
      expect(() => partitionSignatureStatement(fields)).toThrow(PartitionFormatError);
      expect(() => partitionSignatureStatement(fields)).toThrow(reason);
    }
  });
});
