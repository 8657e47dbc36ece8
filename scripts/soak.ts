/**
 * `npm run soak` (after `npm run build`): a bounded soak run on loopback. Starts its own
 * PostgreSQL and Redis (spare ports, temp dirs) and an API and a worker from dist/, mixes
 * inference in both modes, GraphQL reads, uploads and training jobs while it kills and restarts
 * the worker, Redis and PostgreSQL in turn, then prints requests served, answers by status,
 * how every training job ended and the API's RSS before and after.
 * Options (env): SOAK_MINUTES (5), SOAK_CLIENTS (4), SOAK_FAULT_EVERY_SECONDS (20).
 * Exits 1 if an answer broke the promise (a 5xx other than 503, a timeout) or a job did not
 * end exactly once.
 */
import { formatSoakReport, runSoak } from './support/soak-run';

async function main(): Promise<void> {
  const minutes = Number(process.env.SOAK_MINUTES ?? 5);
  if (!(minutes > 0 && minutes <= 120)) throw new Error('SOAK_MINUTES must be in (0, 120]');
  const report = await runSoak({
    durationMs: minutes * 60_000,
    clients: Number(process.env.SOAK_CLIENTS ?? 4),
    faultEveryMs: Number(process.env.SOAK_FAULT_EVERY_SECONDS ?? 20) * 1000,
    log: (line) => console.log(line),
  });
  console.log(formatSoakReport(report));
  const ok =
    report.unexpected === 0 &&
    report.apiAlive &&
    report.jobs.unfinished === 0 &&
    report.jobs.strayVersions === 0 &&
    report.jobs.duplicateJobsForKeys === 0 &&
    report.jobs.completed === report.jobs.completedWithOneVersion;
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
