import { formatSoakReport, runSoak } from '../scripts/support/soak-run';
import { ensureBuilt } from './support/ensure-built';

/**
 * Must-hold 6 of issue 10, the short run in CI: one minute of mixed load while the worker is
 * killed and Redis and PostgreSQL are stopped and restarted (`npm run soak` runs longer).
 */
describe('soak (short run)', () => {
  it('serves through worker, Redis and PostgreSQL faults: no 500, no hang, every job ends exactly once', async () => {
    ensureBuilt();
    const report = await runSoak({
      durationMs: 60_000,
      clients: 3,
      faultEveryMs: 12_000,
      outageMs: 3000,
      trainEveryMs: 4000,
      settleMs: 120_000,
    });
    console.log(formatSoakReport(report));
    expect(report.faults.length).toBeGreaterThanOrEqual(3);
    expect(report.requests).toBeGreaterThan(100);
    expect({
      unexpected: report.unexpected,
      apiAlive: report.apiAlive,
      unfinished: report.jobs.unfinished,
      strayVersions: report.jobs.strayVersions,
      duplicateJobsForKeys: report.jobs.duplicateJobsForKeys,
      completedWithoutOneVersion: report.jobs.completed - report.jobs.completedWithOneVersion,
    }).toEqual({
      unexpected: 0,
      apiAlive: true,
      unfinished: 0,
      strayVersions: 0,
      duplicateJobsForKeys: 0,
      completedWithoutOneVersion: 0,
    });
    expect(report.jobs.completed).toBeGreaterThanOrEqual(3);
    // No leak worth the name in a minute: the API grows by less than 300 MiB.
    expect(report.apiRssBytes.after - report.apiRssBytes.before).toBeLessThan(300 * 2 ** 20);
  }, 420_000);
});
