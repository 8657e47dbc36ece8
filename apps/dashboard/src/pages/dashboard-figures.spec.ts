import type { Partition, VersionMetrics } from '../api/types';
import { hierarchyFigures } from './hierarchy-figures';
import { jobDuration } from './job-duration';
import { fittedDomain, labelledPoints } from './version-charts';

const point = (threshold: number, bytes: number, accuracy: number, local: number) => ({
  threshold,
  commBytesPerDevice: bytes,
  overallAccuracy: accuracy,
  localExitRate: local,
  edgeExitRate: 0,
});

const metrics: VersionMetrics = {
  numSamples: 171,
  exitAccuracy: { local: 0.918, edge: null, cloud: 0.942 },
  deviceAccuracy: [0.7, 0.71, 0.72],
  sweep: [point(0.1, 110, 0.94, 0.1), point(0.5, 60, 0.95, 0.5), point(0.9, 20, 0.92, 0.9)],
  operatingPoint: { ...point(0.783, 42.7, 0.953, 0.76), chosenBy: 'validation' },
  faultTolerance: [],
  communication: {
    featureBytesPerDevice: 128,
    scoreBytesPerDevice: 12,
    rawViewBytes: 3072,
    reductionVsRaw: 72,
  },
};

describe('dashboard figures', () => {
  it('the hierarchy: exit shares add up to 1 and the feature link carries (1 - local) x 128 B', () => {
    const partitions: Partition[] = [
      { id: 'a', tier: 'DEVICE', deviceIndex: 1, sizeBytes: 300, sha256: '' },
      { id: 'b', tier: 'CLOUD', deviceIndex: null, sizeBytes: 9000, sha256: '' },
    ];
    const f = hierarchyFigures(metrics, partitions);
    expect(f.devices.map((d) => d.partitionBytes)).toEqual([null, 300, null]);
    expect(f.local).toEqual({ accuracy: 0.918, exitShare: 0.76, partitionBytes: null });
    expect(f.edge).toBeNull();
    expect(f.cloud.exitShare).toBeCloseTo(0.24, 10);
    expect(f.cloud.partitionBytes).toBe(9000);
    expect(f.featureBytesAtT).toBeCloseTo(0.24 * 128, 10);
    expect(f.scoreBytes).toBe(12);
  });

  it('fits an accuracy axis to the data instead of 0-100 %', () => {
    expect(fittedDomain([0.94, 0.95, 0.953])).toEqual([0.93, 0.97]);
    expect(fittedDomain([0.2, 0.99])).toEqual([0.1, 1]);
    expect(fittedDomain([1, 1])).toEqual([0.99, 1]);
  });

  it('labels the operating point, then only sweep points whose labels do not overlap', () => {
    const crowded = [
      point(0.5, 42, 0.953, 0.77),
      point(0.6, 41.9, 0.953, 0.78),
      point(0.1, 110, 0.94, 0.1),
    ];
    const kept = labelledPoints(crowded, metrics.operatingPoint, [20, 110], [0.92, 0.97]);
    expect(kept.has(metrics.operatingPoint)).toBe(true);
    expect(kept.has(crowded[0])).toBe(false);
    expect(kept.has(crowded[1])).toBe(false);
    expect(kept.has(crowded[2])).toBe(true);
  });

  it('a job duration: finished, running, queued', () => {
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    const now = Date.UTC(2026, 0, 1, 0, 0, 100);
    expect(
      jobDuration(
        { status: 'COMPLETED', createdAt: t(0), startedAt: t(5), finishedAt: t(47) },
        now,
      ),
    ).toBe('42 s');
    expect(
      jobDuration({ status: 'RUNNING', createdAt: t(0), startedAt: t(10), finishedAt: null }, now),
    ).toBe('1 min 30 s so far');
    expect(
      jobDuration({ status: 'QUEUED', createdAt: t(40), startedAt: null, finishedAt: null }, now),
    ).toBe('queued 1 min 0 s');
    expect(
      jobDuration({ status: 'CANCELLED', createdAt: t(0), startedAt: null, finishedAt: t(3) }, now),
    ).toBe('never started');
  });
});
