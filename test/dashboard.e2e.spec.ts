import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { createBuiltinDataset, encodeDataset } from '@ddnn/datasets';
import {
  issueQueueBoardSession,
  QUEUE_BOARD_COOKIE,
} from '../apps/api/src/dashboard/queue-board-session';
import { DASHBOARD_BUILD, ensureDashboardBuilt } from './support/ensure-dashboard-built';
import { remoteLoads } from './support/remote-loads';
import { ADMIN_TOKEN, TestPlatform, waitFor } from './support/test-platform';

/**
 * The admin dashboard in a real browser (Debian chromium driven by playwright-core) against a
 * real platform: API in-process, a worker process, PostgreSQL and Redis. One admin's session:
 * log in, train from the form and watch it live, check the version page against the GraphQL
 * API, move an alias, see an edge client, preview a dataset, open the queue board.
 */

const ROOT = join(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts', 'dashboard');
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

// The same display formats the dashboard promises (apps/dashboard/src/format.ts), written out
// again here so the test is an independent check of what the page shows.
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const sweepLabel = (p: {
  threshold: number;
  commBytesPerDevice: number;
  overallAccuracy: number;
  localExitRate: number;
}) =>
  `T=${p.threshold.toFixed(2)}; bytes/device=${p.commBytesPerDevice.toFixed(1)}; ` +
  `accuracy=${pct(p.overallAccuracy)}; local exit=${pct(p.localExitRate)}`;

describe('admin dashboard in a browser', () => {
  let platform: TestPlatform;
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    ensureDashboardBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    platform = await TestPlatform.start();
    await platform.startWorker();
    const dataset = await platform.http('/datasets/builtin', {
      method: 'POST',
      admin: true,
      json: { builtin: 'synthetic-mvmc', seed: 1, trainSize: 48, testSize: 24 },
    });
    expect(dataset.status).toBe(201);
    profileDir = mkdtempSync(join(tmpdir(), 'ddnn-dashboard-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1400, height: 1000 },
    });
    context.setDefaultTimeout(20_000);
    // Offline, as on a machine without internet: every request to another host is refused, and
    // recorded so a test can say which page tried (GraphiQL's assets must all be our own).
    await context.route('**/*', (route) => {
      const { hostname } = new URL(route.request().url());
      if (LOCAL_HOSTS.has(hostname)) return route.continue();
      foreignRequests.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    // The page's Content-Security-Policy must not block anything the dashboard itself does.
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
        consoleErrors.push(message.text());
      }
    });
  });

  afterAll(async () => {
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await platform?.stop();
  });

  async function graphql(query: string, variables: Record<string, unknown> = {}) {
    const result = await platform.graphql(query, variables, true);
    expect(result.errors).toBeUndefined();
    return result.data;
  }

  async function screenshot(name: string) {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  it('refuses a wrong token with a clear message, then logs in with the right one', async () => {
    const bare = await platform.http('/dashboard', { redirect: 'manual' });
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('/dashboard/');
    const index = await page.goto(`${platform.baseUrl}/dashboard/`);
    const headers = index!.headers();
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    // GraphQL and its WebSocket go to this origin only (the live progress below needs the socket).
    expect(headers['content-security-policy']).toContain("connect-src 'self';");
    expect(headers['content-security-policy']).not.toMatch(/\bwss?:/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'the platform refused this token',
    );
    await screenshot('login');
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Training jobs' }).waitFor();
    const stored = await page.evaluate(() => sessionStorage.getItem('ddnn.adminToken'));
    expect(stored).toBe(ADMIN_TOKEN);
  });

  let jobId: string;
  let versionId: string;

  it('starts a job from the form and its progress bar reaches 100% live, without a reload', async () => {
    const form = page.locator('form.start-training');
    await form.getByLabel('Dataset').selectOption({ label: 'synthetic-mvmc (6 views, 3 classes)' });
    await form.getByLabel('New model name').fill('e2e-mvmc');
    // Every option of every dropdown fits in it (preset and dataset names are long): measured
    // with the select's own font; 24 px for the padding and the arrow.
    const cut = await form.locator('select').evaluateAll((selects) =>
      selects.flatMap((select) => {
        const context = document.createElement('canvas').getContext('2d')!;
        context.font = getComputedStyle(select).font;
        return Array.from((select as HTMLSelectElement).options)
          .filter((o) => context.measureText(o.text).width + 24 > select.clientWidth)
          .map((o) => `${(select as HTMLSelectElement).name}: ${o.text}`);
      }),
    );
    expect(cut).toEqual([]);
    await form.getByLabel('Architecture preset').selectOption('small');
    await form.getByLabel('Epochs').fill('4');
    await form.getByLabel('Batch size').fill('16');
    // A marker on window survives only if the page is never reloaded.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await form.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL(/#\/jobs\/[0-9a-f-]{36}$/);
    jobId = page.url().split('/').pop()!;

    const bar = page.locator(`tr[data-job-id="${jobId}"] [role=progressbar]`);
    await bar.waitFor();
    // Every value and label the bar shows, recorded in the page as they change.
    await bar.evaluate((element) => {
      const seen: string[] = [element.getAttribute('aria-valuenow')!];
      const labels: string[] = [element.getAttribute('aria-label')!];
      Object.assign(window, { barValues: seen, barLabels: labels });
      new MutationObserver(() => {
        const value = element.getAttribute('aria-valuenow')!;
        const label = element.getAttribute('aria-label')!;
        if (seen.at(-1) !== value) seen.push(value);
        if (labels.at(-1) !== label) labels.push(label);
      }).observe(element, { attributes: true, attributeFilter: ['aria-valuenow', 'aria-label'] });
    });
    await page.waitForFunction(
      (id) =>
        document
          .querySelector(`tr[data-job-id="${id}"] [role=progressbar]`)
          ?.getAttribute('aria-valuenow') === '100',
      jobId,
      { timeout: 60_000, polling: 100 },
    );
    const values = await page.evaluate(
      () => (window as unknown as { barValues: string[] }).barValues,
    );
    // It moved per epoch (0 -> 25 -> 50 -> 75 -> 100; a fast machine may render two epochs in one
    // frame), not just from start to end.
    expect(values.at(-1)).toBe('100');
    expect(values[0]).not.toBe('100');
    expect(values.filter((v) => ['25', '50', '75'].includes(v)).length).toBeGreaterThan(0);
    // Mid-way it said which epoch and how long the rest should take.
    const labels = await page.evaluate(
      () => (window as unknown as { barLabels: string[] }).barLabels,
    );
    expect(labels).toContainEqual(
      expect.stringMatching(/^epoch [123]\/4 · ETA \d+ (s|min \d+ s)$/),
    );
    expect(
      await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
    ).toBe(true);
    const row = page.locator(`tr[data-job-id="${jobId}"]`);
    await row.getByText('COMPLETED').waitFor();
    await expect(bar.getAttribute('aria-label')).resolves.toBe('epoch 4/4');
    // Two jobs of one model tell apart by when they were created and how long they ran.
    await expect(row.locator('td.job-created').textContent()).resolves.toMatch(/\d/);
    await expect(row.locator('td.job-duration').textContent()).resolves.toMatch(
      /^(\d+ s|\d+ min \d+ s)$/,
    );

    // The per-exit curves have a point per epoch and exit.
    await page.locator('[data-testid=loss-curves] svg').waitFor();
    const job = await graphql(
      'query J($id: ID!) { trainingJob(id: $id) { status epochs { epoch losses } } }',
      { id: jobId },
    );
    expect(job.trainingJob.status).toBe('COMPLETED');
    // One curve per exit (the weighted total is left out of the chart).
    const exits = Object.keys(job.trainingJob.epochs[0].losses).filter((k) => k !== 'total').length;
    expect(exits).toBe(8);
    await waitFor(
      async () =>
        (await page
          .locator('[data-testid=loss-curves] svg [aria-roledescription=point]')
          .count()) ===
        4 * exits
          ? true
          : undefined,
      10_000,
      'a loss point per epoch and exit',
    );
    await screenshot('jobs');
  });

  it('shows the new version with the same numbers as the GraphQL API and moves an alias', async () => {
    await page.getByTestId('job-version-link').click();
    await page.waitForURL(/#\/versions\/[0-9a-f-]{36}$/);
    versionId = page.url().split('/').pop()!;
    const { modelVersion } = await graphql(
      'query V($id: String!) { modelVersion(id: $id) { version trainingJobId metrics partitions { sizeBytes } } }',
      { id: versionId },
    );
    expect(modelVersion.trainingJobId).toBe(jobId);
    const metrics = modelVersion.metrics;
    const detail = page.getByTestId('version-detail');
    await detail.waitFor();
    // 48 training samples: too few to hold a validation split out (the engine's one small-split
    // policy), so the version ships T = 0 and says why; no epoch is chosen.
    expect(metrics.operatingPoint.chosenBy).toMatch(
      /^no validation split .*: T = 0, every sample goes to the cloud$/,
    );
    expect(metrics.keptEpoch).toBeNull();

    const cell = (table: string, row: string) =>
      detail.locator(`[data-testid=${table}] tr[${row}] td`).nth(1).textContent();
    await expect(cell('exit-accuracy', 'data-exit=local')).resolves.toBe(
      pct(metrics.exitAccuracy.local),
    );
    await expect(cell('exit-accuracy', 'data-exit=cloud')).resolves.toBe(
      pct(metrics.exitAccuracy.cloud),
    );
    await expect(cell('exit-accuracy', 'data-exit=overall')).resolves.toBe(
      pct(metrics.operatingPoint.overallAccuracy),
    );
    expect(metrics.deviceAccuracy).toHaveLength(6);
    for (const [d, accuracy] of (metrics.deviceAccuracy as number[]).entries()) {
      await expect(cell('device-accuracy', `data-device="${d}"`)).resolves.toBe(pct(accuracy));
    }

    // The threshold plot: one SVG mark per sweep point, described with the API's numbers.
    const plot = detail.getByTestId('threshold-plot');
    await plot.locator('svg').waitFor();
    const described = await plot
      .locator('svg [aria-roledescription=point]')
      .evaluateAll((marks) => marks.map((m) => m.getAttribute('aria-label')));
    const expected = [
      ...(metrics.sweep as Parameters<typeof sweepLabel>[0][]).map(sweepLabel),
      `operating point: ${sweepLabel(metrics.operatingPoint)}`,
    ];
    expect(expected.length).toBeGreaterThan(0);
    expect([...described].sort()).toEqual([...expected].sort());
    await detail.getByTestId('fault-tolerance').locator('svg').waitFor();
    const partitionBytes = await detail
      .locator('[data-testid=partitions] td[data-bytes]')
      .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-bytes'))));
    expect(partitionBytes.sort()).toEqual(
      modelVersion.partitions.map((p: { sizeBytes: number }) => p.sizeBytes).sort(),
    );

    await detail.getByRole('button', { name: 'Make production' }).click();
    await detail.getByRole('button', { name: 'This is production' }).waitFor();
    const aliased = await graphql(
      'query { modelVersion(modelName: "e2e-mvmc", ref: "production") { id } }',
    );
    expect(aliased.modelVersion.id).toBe(versionId);
    await screenshot('versions');
  });

  it('shows the DDNN at a glance: the hierarchy, plots fitted to their data', async () => {
    const { modelVersion } = await graphql(
      'query V($id: String!) { modelVersion(id: $id) { metrics } }',
      { id: versionId },
    );
    const metrics = modelVersion.metrics;
    const op = metrics.operatingPoint;
    const detail = page.getByTestId('version-detail');
    const diagram = detail.getByTestId('hierarchy-diagram');
    await diagram.waitFor();
    const label = (selector: string) => diagram.locator(selector).getAttribute('aria-label');
    // Each tier's accuracy and the share of samples that exit there at the shipped T.
    await expect(label('[data-tier=local]')).resolves.toBe(
      `local aggregator (local exit): accuracy ${pct(metrics.exitAccuracy.local)}; exits here at T: ${pct(op.localExitRate)} of samples`,
    );
    await expect(label('[data-tier=cloud]')).resolves.toBe(
      `cloud: accuracy ${pct(metrics.exitAccuracy.cloud)}; exits here at T: ${pct(1 - op.localExitRate)} of samples`,
    );
    await expect(diagram.locator('[data-tier=edge]').count()).resolves.toBe(0);
    for (const [d, accuracy] of (metrics.deviceAccuracy as number[]).entries()) {
      await expect(label(`[data-device="${d}"]`)).resolves.toBe(
        `device ${d}: accuracy ${pct(accuracy)}`,
      );
    }
    // The bytes on each link per device and sample: scores always, features when unsure.
    const { featureBytesPerDevice, scoreBytesPerDevice } = metrics.communication;
    await expect(label('[data-link=scores]')).resolves.toContain(
      `${scoreBytesPerDevice} B of class scores per device and sample, always`,
    );
    const featureAverage = (1 - op.localExitRate) * featureBytesPerDevice;
    await expect(label('[data-link=features]')).resolves.toContain(
      `${featureBytesPerDevice} B of binary features per device for the ${pct(1 - op.localExitRate)} of samples not exiting locally = ${featureAverage.toFixed(1)} B per device and sample`,
    );
    // The diagram's average equals the evaluation's bytes per device at T minus the scores.
    expect(featureAverage + scoreBytesPerDevice).toBeCloseTo(op.commBytesPerDevice, 6);
    await diagram.screenshot({ path: join(ARTIFACTS, 'hierarchy.png') });

    // The accuracy axes fit the data: they start near the lowest point, not at 0 %.
    const yAxisRange = async (testId: string) => {
      const text = await detail
        .getByTestId(testId)
        .locator('svg [aria-roledescription=axis]')
        .evaluateAll((axes) =>
          axes.map((a) => a.getAttribute('aria-label') ?? '').find((l) => /^Y-axis/.test(l)),
        );
      const match = /values from (-?[\d.]+)% to ([\d.]+)%/.exec(text ?? '');
      expect(match).not.toBeNull();
      return [Number(match![1]) / 100, Number(match![2]) / 100];
    };
    const sweepAccuracies = [...metrics.sweep, op].map(
      (p: { overallAccuracy: number }) => p.overallAccuracy,
    );
    const [sweepLo, sweepHi] = await yAxisRange('threshold-plot');
    expect(sweepLo).toBeLessThanOrEqual(Math.min(...sweepAccuracies));
    expect(sweepLo).toBeGreaterThan(Math.min(...sweepAccuracies) - 0.2);
    expect(sweepHi).toBeGreaterThanOrEqual(Math.max(...sweepAccuracies));
    expect(sweepHi).toBeLessThan(Math.max(...sweepAccuracies) + 0.2);
    const faultAccuracies = (
      metrics.faultTolerance as { local: number; cloud: number; overall: number }[]
    ).flatMap((r) => [r.local, r.cloud, r.overall]);
    const [faultLo] = await yAxisRange('fault-tolerance');
    expect(faultLo).toBeLessThanOrEqual(Math.min(...faultAccuracies));
    expect(faultLo).toBeGreaterThan(Math.min(...faultAccuracies) - 0.2);
    // One point per missing device and exit, each described with its number.
    const faultPoints = await detail
      .getByTestId('fault-tolerance')
      .locator('svg [aria-roledescription=point]')
      .evaluateAll((marks) => marks.map((m) => m.getAttribute('aria-label')));
    expect(faultPoints).toHaveLength(3 * metrics.faultTolerance.length);
    expect(faultPoints).toContain(
      `without device 0: overall ${pct(metrics.faultTolerance[0].overall)}`,
    );

    // The sweep's local-exit labels do not overlap one another.
    const boxes = await detail
      .getByTestId('threshold-plot')
      .locator('svg .mark-text text')
      .evaluateAll((texts) =>
        texts
          .filter((t) => (t.textContent ?? '').trim() !== '')
          .map((t) => {
            const r = t.getBoundingClientRect();
            return {
              text: t.textContent,
              left: r.left,
              right: r.right,
              top: r.top,
              bottom: r.bottom,
            };
          }),
      );
    expect(boxes.length).toBeGreaterThan(0);
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const overlap =
          a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        expect({ a, b, overlap }).toEqual({ a, b, overlap: false });
      }
    }
    await screenshot('version-at-a-glance');
  });

  it('compares two versions: per-exit accuracies side by side and the sweeps overlaid', async () => {
    const started = await graphql(
      'mutation S($input: StartTrainingInput!) { startTraining(input: $input) { id } }',
      {
        input: {
          modelName: 'e2e-mvmc',
          dataset: 'synthetic-mvmc',
          epochs: 2,
          batchSize: 16,
          seed: 7,
        },
      },
    );
    const secondJob = started.startTraining.id;
    await waitFor(
      async () => {
        const { trainingJob } = await graphql(
          'query J($id: ID!) { trainingJob(id: $id) { status } }',
          {
            id: secondJob,
          },
        );
        if (trainingJob.status === 'FAILED') throw new Error('the second training job failed');
        return trainingJob.status === 'COMPLETED' ? true : undefined;
      },
      120_000,
      'the second version',
    );
    const { modelVersions } = await graphql(
      'query { modelVersions(filter: { modelName: "e2e-mvmc" }) { nodes { id version metrics } } }',
    );
    const [first, second] = [...modelVersions.nodes].sort(
      (a: { version: number }, b: { version: number }) => a.version - b.version,
    );
    expect(first.id).toBe(versionId);

    await page.getByRole('link', { name: 'Model versions' }).click();
    const link = page.getByTestId('compare-link');
    await expect(link.getAttribute('aria-disabled')).resolves.toBe('true');
    await page.getByLabel('compare e2e-mvmc v1').check();
    await page.getByLabel(`compare e2e-mvmc v${second.version}`).check();
    await link.click();
    await page.waitForURL(new RegExp(`#/compare/${first.id}/${second.id}$`));
    const compare = page.getByTestId('compare-versions');
    await compare.waitFor();
    const cells = (row: string) =>
      compare.locator(`[data-testid=compare-table] tr[data-row=${row}] td`).allTextContents();
    const points = (d: number) => `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)} pts`;
    for (const [row, pick] of [
      ['local', (m: typeof first.metrics) => m.exitAccuracy.local],
      ['cloud', (m: typeof first.metrics) => m.exitAccuracy.cloud],
      ['overall', (m: typeof first.metrics) => m.operatingPoint.overallAccuracy],
      ['local-exit-rate', (m: typeof first.metrics) => m.operatingPoint.localExitRate],
    ] as const) {
      const a = pick(first.metrics);
      const b = pick(second.metrics);
      await expect(cells(row)).resolves.toEqual([
        expect.any(String),
        pct(a),
        pct(b),
        points(b - a),
      ]);
    }
    await expect(compare.locator('tr[data-row=edge]').count()).resolves.toBe(0);
    // Both sweep curves on one plot, every point described with its version's numbers.
    const described = await compare
      .getByTestId('compare-sweep')
      .locator('svg [aria-roledescription=point]')
      .evaluateAll((marks) => marks.map((m) => m.getAttribute('aria-label')));
    expect(described).toHaveLength(first.metrics.sweep.length + second.metrics.sweep.length + 2);
    expect(described).toContain(`e2e-mvmc v1: ${sweepLabel(first.metrics.sweep[0])}`);
    expect(described).toContain(
      `e2e-mvmc v${second.version} operating point: ${sweepLabel(second.metrics.operatingPoint)}`,
    );
    await screenshot('compare');
  });

  it('lists an edge client registered through the REST API with its heartbeat', async () => {
    const { createEnrollmentToken } = await graphql(
      'mutation { createEnrollmentToken(input: { description: "e2e" }) { token } }',
    );
    const registered = await platform.http('/edge/clients/register', {
      method: 'POST',
      json: {
        enrollmentToken: createEnrollmentToken.token,
        name: 'camera-0',
        modelName: 'e2e-mvmc',
        alias: 'production',
        deviceIndex: 0,
      },
    });
    expect(registered.status).toBe(201);
    const heartbeat = await platform.http('/edge/heartbeat', {
      method: 'POST',
      headers: { authorization: `Bearer ${registered.json.credential}` },
      json: { installedVersion: 1, counters: { samples: 40, localExits: 31, bytesSent: 1234 } },
    });
    expect(heartbeat.status).toBe(200);

    await page.getByRole('link', { name: 'Edge clients' }).click();
    const row = page.locator('tr[data-edge-client="camera-0"]');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 11)).toEqual([
      'camera-0',
      'online',
      'device',
      'e2e-mvmc',
      '0',
      'production',
      'v1',
      expect.stringMatching(/ago$/),
      '40',
      '31',
      '1.2 KiB',
    ]);

    // Revoke asks first; accepted, the client shows as revoked and its credential is refused.
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('revoked').waitFor();
    const refused = await platform.http('/edge/heartbeat', {
      method: 'POST',
      headers: { authorization: `Bearer ${registered.json.credential}` },
      json: {},
    });
    expect(refused.status).toBe(401);

    await page.getByRole('button', { name: 'Create enrollment token' }).click();
    const token = await page.getByTestId('enrollment-token').locator('code.token').textContent();
    expect(token).toMatch(/^\S{20,}$/);
    await screenshot('edge-clients');
  });

  it('previews a dataset as a contact sheet', async () => {
    await page.getByRole('link', { name: 'Datasets' }).click();
    const row = page.locator('tr[data-dataset="synthetic-mvmc"]');
    await expect(row.locator('td').nth(5).textContent()).resolves.toBe('48 / 24');
    // The loading state shows while the sheet renders (recorded in the page: it may be brief).
    await page.evaluate(() => {
      const seen = { loading: false };
      Object.assign(window, { sheetSeen: seen });
      new MutationObserver(() => {
        if (document.querySelector('[data-testid=contact-sheet-loading]')) seen.loading = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await row.getByRole('button', { name: 'Preview' }).click();
    const image = page.getByTestId('contact-sheet').locator('img');
    await image.waitFor();
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid=contact-sheet] img') as HTMLImageElement)
          ?.naturalWidth > 0,
    );
    await expect(
      page.evaluate(() => (window as unknown as { sheetSeen: { loading: boolean } }).sheetSeen),
    ).resolves.toEqual({ loading: true });
    await expect(page.getByTestId('contact-sheet-loading').count()).resolves.toBe(0);
    await screenshot('datasets');
  });

  it('keeps the contact sheet and the queue board behind the admin token; bad preview input is a 4xx', async () => {
    const sheet = '/datasets/synthetic-mvmc/contact-sheet.png';
    expect((await platform.http(sheet)).status).toBe(401);
    const wrong = await platform.http(sheet, {
      headers: { authorization: 'Bearer not-the-token' },
    });
    expect(wrong.status).toBe(401);
    const png = await platform.http(`${sheet}?samples=2&split=test`, { admin: true });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    for (const query of ['samples=0', 'samples=33', 'split=validation', 'colour=red']) {
      const bad = await platform.http(`${sheet}?${query}`, { admin: true });
      expect({ query, status: bad.status, code: bad.json?.error?.code }).toEqual({
        query,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    const unknown = await platform.http('/datasets/no-such-dataset/contact-sheet.png', {
      admin: true,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toContain('no dataset "no-such-dataset"');

    // The board's API, not only its page, needs the token or a session cookie the API issued.
    const boardApi = '/admin/queues/api/queues';
    expect((await platform.http(boardApi)).status).toBe(401);
    const asCookie = (value: string) => ({ headers: { cookie: `${QUEUE_BOARD_COOKIE}=${value}` } });
    const forged = `${Math.floor(Date.now() / 1000) + 600}.${'A'.repeat(43)}`;
    expect((await platform.http(boardApi, asCookie(forged))).status).toBe(401);
    const expired = issueQueueBoardSession(ADMIN_TOKEN, Date.now() - 2 * 3600 * 1000);
    expect((await platform.http(boardApi, asCookie(expired))).status).toBe(401);
    expect((await platform.http('/admin/queues/session', { method: 'POST' })).status).toBe(401);
    const session = await platform.http('/admin/queues/session', { method: 'POST', admin: true });
    expect(session.status).toBe(204);
    const cookie = session.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    const issued = cookie.split(';')[0].split('=')[1];
    expect((await platform.http(boardApi, asCookie(issued))).status).toBe(200);
  });

  it('uploads a dataset file with a progress bar, and shows why a bad file is refused', async () => {
    const file = join(profileDir, 'cams.ddnnds');
    const { train } = createBuiltinDataset('synthetic-mvmc', {
      seed: 5,
      trainSize: 40,
      testSize: 8,
    });
    writeFileSync(file, encodeDataset(train));
    const form = page.locator('form').filter({ hasText: 'Upload a dataset' });
    await form.getByLabel('Name', { exact: true }).fill('uploaded-cams');
    await form.getByLabel('File', { exact: true }).setInputFiles(file);
    // Record whether the progress bar showed up while the file was sent.
    await page.evaluate(() => {
      const w = window as unknown as { sawUploadBar: boolean };
      w.sawUploadBar = false;
      new MutationObserver(() => {
        if (document.querySelector('[role=progressbar][aria-label^="uploading"]'))
          w.sawUploadBar = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await form.getByRole('button', { name: 'Upload' }).click();
    await form.getByText(/^Stored "uploaded-cams": \d+ train and \d+ test samples\.$/).waitFor();
    expect(
      await page.evaluate(() => (window as unknown as { sawUploadBar: boolean }).sawUploadBar),
    ).toBe(true);
    await page.locator('tr[data-dataset="uploaded-cams"]').waitFor();
    const { dataset } = await graphql(
      'query { dataset(idOrName: "uploaded-cams") { trainSize testSize } }',
    );
    expect(dataset.trainSize + dataset.testSize).toBe(40);
    await expect(
      page.locator('tr[data-dataset="uploaded-cams"] td').nth(5).textContent(),
    ).resolves.toBe(`${dataset.trainSize} / ${dataset.testSize}`);

    const garbage = join(profileDir, 'garbage.ddnnds');
    writeFileSync(garbage, 'this is not a dataset');
    await form.getByLabel('Name', { exact: true }).fill('garbage');
    await form.getByLabel('File', { exact: true }).setInputFiles(garbage);
    await form.getByRole('button', { name: 'Upload' }).click();
    await form
      .getByRole('alert')
      .getByText(/shorter than the .*-byte minimum/)
      .waitFor();
    const names = (await graphql('query { datasets { name } }')).datasets.map(
      (d: { name: string }) => d.name,
    );
    expect(names).not.toContain('garbage');
  });

  it('shows clear messages for bad form input, from the form and from the server', async () => {
    await page.getByRole('link', { name: 'Training jobs' }).click();
    const form = page.locator('form.start-training');
    await form.locator('select[name=model]').selectOption('__new__');
    await form.getByLabel('Dataset').selectOption({ label: 'synthetic-mvmc (6 views, 3 classes)' });
    await form.getByLabel('New model name').fill('bad name!');
    await form.getByLabel('Epochs').fill('0');
    await form.getByLabel('Learning rate').fill('abc');
    await form.getByRole('button', { name: 'Start training' }).click();
    await form.getByText('Epochs must be a whole number from 1 to 1000.').waitFor();
    await form.getByText('Learning rate must be a number above 0 and at most 1').waitFor();
    await form.getByText('Model name: 1-100 letters').waitFor();
    await screenshot('form-errors');

    // Valid in the form, refused by the server: the name was taken after the page loaded.
    await graphql('mutation { createModel(input: { name: "taken-elsewhere" }) { id } }');
    const jobsBefore = (await graphql('query { trainingJobs { totalCount } }')).trainingJobs
      .totalCount;
    await form.getByLabel('New model name').fill('taken-elsewhere');
    await form.getByLabel('Epochs').fill('2');
    await form.getByLabel('Learning rate').fill('0.001');
    await form.getByRole('button', { name: 'Start training' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: 'The platform refused this' })
      .getByText('a model named "taken-elsewhere" exists')
      .waitFor();
    expect((await graphql('query { trainingJobs { totalCount } }')).trainingJobs.totalCount).toBe(
      jobsBefore,
    );
  });

  it('cancels a running job and retries it from the job page', async () => {
    const form = page.locator('form.start-training');
    await form.locator('select[name=model]').selectOption('e2e-mvmc');
    await form.getByLabel('Epochs').fill('200');
    await form.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL(/#\/jobs\/[0-9a-f-]{36}$/);
    const longJob = page.url().split('/').pop()!;
    const detail = page.getByTestId('job-detail');
    await detail.getByRole('button', { name: 'Cancel' }).click();
    await detail.getByRole('button', { name: 'Retry' }).waitFor({ timeout: 20_000 });
    const cancelled = await graphql('query J($id: ID!) { trainingJob(id: $id) { status } }', {
      id: longJob,
    });
    expect(cancelled.trainingJob.status).toBe('CANCELLED');
    await detail.getByRole('button', { name: 'Retry' }).click();
    await page.waitForURL(
      (url) => !url.hash.endsWith(longJob) && /#\/jobs\/[0-9a-f-]{36}$/.test(url.hash),
    );
    const retried = page.url().split('/').pop()!;
    const { trainingJob } = await graphql(
      'query J($id: ID!) { trainingJob(id: $id) { params totalEpochs model { name } } }',
      { id: retried },
    );
    expect(trainingJob).toMatchObject({ totalEpochs: 200, model: { name: 'e2e-mvmc' } });
    await graphql('mutation C($id: ID!) { cancelTraining(id: $id) { id } }', { id: retried });
    await detail.getByRole('button', { name: 'Retry' }).waitFor({ timeout: 20_000 });
  });

  it('retryTraining refuses a job that is not failed or cancelled', async () => {
    const result = await platform.graphql(
      'mutation R($id: ID!) { retryTraining(id: $id) { id } }',
      { id: jobId },
      true,
    );
    expect(result.errors?.[0]).toMatchObject({
      message: expect.stringContaining('only a failed or cancelled job can be retried'),
      extensions: { code: 'JOB_NOT_RETRYABLE', status: 409 },
    });
  });

  it('shows the error of a failed job', async () => {
    // A failure the worker would record (fixture written to the database directly).
    const failed = await platform.prisma.trainingJob.create({
      data: {
        modelId: (await platform.prisma.model.findUniqueOrThrow({ where: { name: 'e2e-mvmc' } }))
          .id,
        datasetId: (await platform.prisma.dataset.findFirstOrThrow()).id,
        params: { epochs: 1, batchSize: 16, learningRate: 0.001, seed: 1 },
        totalEpochs: 1,
        status: 'FAILED',
        error: 'training diverged: loss is NaN at epoch 1',
        finishedAt: new Date(),
      },
    });
    await page.goto(`${platform.baseUrl}/dashboard/#/jobs/${failed.id}`);
    await expect(page.getByTestId('job-error').textContent()).resolves.toContain(
      'training diverged: loss is NaN at epoch 1',
    );
    await expect(
      page.locator(`tr[data-job-id="${failed.id}"] td.job-error`).textContent(),
    ).resolves.toContain('loss is NaN');
  });

  it('opens the queue board (bull-board) from the dashboard; it needs the admin token', async () => {
    const anonymous = await platform.http('/admin/queues');
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error.message).toContain('admin token');
    // The board's own API calls succeed in the browser: the session cookie lets them in.
    const boardApi = context.waitForEvent('response', (r) =>
      r.url().includes('/admin/queues/api/queues'),
    );
    const [board] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('button', { name: /Queue internals/ }).click(),
    ]);
    await board.waitForURL(/\/admin\/queues/);
    expect((await boardApi).status()).toBe(200);
    await board.getByRole('link', { name: 'training' }).first().click();
    await board
      .getByText(/completed/i)
      .first()
      .waitFor();
    await board.screenshot({ path: join(ARTIFACTS, 'queues.png'), fullPage: true });
    // The board reads the test's own BullMQ prefix: it sees the jobs this test ran.
    const api = await platform.http(
      '/admin/queues/api/queues?activeQueue=training&status=completed',
      {
        admin: true,
      },
    );
    expect(api.status).toBe(200);
    const training = api.json.queues.find((q: { name: string }) => q.name === 'training');
    expect(training.counts.completed).toBeGreaterThanOrEqual(1);
    // bull-board draws `progress.progress` as a percentage: a finished training is at 100, not
    // 1 (a cancelled one, also "completed" for BullMQ, where it stopped).
    const reported = training.jobs.filter((j: { progress: unknown }) => j.progress);
    expect(reported.length).toBeGreaterThanOrEqual(2);
    for (const job of reported) {
      expect(job.progress.progress).toBeCloseTo(
        (100 * job.progress.epoch) / job.progress.epochs,
        9,
      );
    }
    expect(reported.map((j: { progress: { progress: number } }) => j.progress.progress)).toContain(
      100,
    );
    await board.close();
    expect(consoleErrors).toEqual([]);
  });
  it('serves GraphiQL from its own assets: with every other host blocked it runs queries, mutations and subscriptions', async () => {
    // The build loads nothing from another host; the same scan flags Mercurius' CDN page (what
    // /graphiql used to be), so it does find such loads when there are some.
    expect(remoteLoads(DASHBOARD_BUILD)).toEqual([]);
    expect(remoteLoads(join(ROOT, 'node_modules', 'mercurius', 'static')).length).toBeGreaterThan(
      0,
    );
    // One address: the page is not also reachable (past GRAPHQL_GRAPHIQL) under /dashboard/.
    expect((await platform.http('/dashboard/graphiql.html')).status).toBe(404);

    foreignRequests.length = 0;
    // The dashboard's link opens it in the same tab, whose sessionStorage holds the admin token.
    const [response] = await Promise.all([
      page.waitForResponse(`${platform.baseUrl}/graphiql`),
      page.getByRole('link', { name: 'GraphiQL' }).click(),
    ]);
    expect(response.status()).toBe(200);
    const csp = response.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self';"); // no eval here
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toMatch(/https?:|\bwss?:|\*/);
    expect(response.headers()['cache-control']).toBe('no-cache');
    const queryEditor = page.locator('.graphiql-query-editor .monaco-editor');
    await queryEditor.waitFor();
    await expect(page.getByTestId('graphiql-token-note').textContent()).resolves.toContain(
      "Sending the dashboard's admin token",
    );

    /** Types an operation into the query editor (one line: Monaco would auto-indent more). */
    async function type(operation: string) {
      await queryEditor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(operation);
      // GraphiQL takes the editor's text into its state after a debounce (and then stores it):
      // clicking run before that would run the previous operation again.
      await waitFor(
        async () =>
          (await page.evaluate(() => localStorage.getItem('graphiql:query'))) === operation
            ? true
            : undefined,
        10_000,
        'GraphiQL to take the typed operation',
      );
    }
    /** Runs the editor's operation and reads the response editor's JSON once `done` holds. */
    async function run(what: string, done: (json: { data?: unknown }) => boolean) {
      await page.locator('.graphiql-execute-button').click();
      return waitFor(
        async () => {
          const text = await page.locator('.graphiql-response .view-lines').innerText();
          try {
            const json = JSON.parse(text.replace(/\u00a0/g, ' ')) as { data?: unknown };
            return done(json) ? json : undefined;
          } catch {
            return undefined; // still being written
          }
        },
        20_000,
        `GraphiQL's answer to ${what}`,
      );
    }
    const answered = (field: string) => (json: unknown) =>
      JSON.stringify(json).includes(`"${field}"`) || JSON.stringify(json).includes('"errors"');

    // A query, prettified first (Prettier, a chunk GraphiQL loads on demand): the same models the
    // API lists.
    const expected = await graphql('{ models { name } }');
    await type('{ models { name } }');
    await page.getByRole('button', { name: /^Prettify query/ }).click();
    await waitFor(
      async () =>
        (await page.locator('.graphiql-query-editor .view-line').count()) > 1 ? true : undefined,
      10_000,
      'the prettified query (one field a line)',
    );
    const models = await run('the models query', answered('models'));
    expect(models).toEqual({ data: expected });
    await screenshot('graphiql');

    // A mutation: the admin token went with it (moving production where it already is).
    const production = await graphql(
      'query { modelVersion(modelName: "e2e-mvmc", ref: "production") { id version } }',
    );
    await type(
      `mutation { moveAlias(modelName: "e2e-mvmc", alias: "production", version: ${production.modelVersion.version}) { name versionId } }`,
    );
    const moved = await run('moveAlias', answered('moveAlias'));
    expect(moved).toEqual({
      data: { moveAlias: { name: 'production', versionId: production.modelVersion.id } },
    });

    // A subscription, over the WebSocket: a finished job yields its final state.
    await type(`subscription { trainingProgress(jobId: "${jobId}") { trainingJobId status } }`);
    const progress = await run('trainingProgress', answered('trainingProgress'));
    expect(progress).toEqual({
      data: { trainingProgress: { trainingJobId: jobId, status: 'COMPLETED' } },
    });

    // Monaco's editor, JSON and GraphQL workers came from this origin too.
    const workers = page.workers().map((w) => new URL(w.url()));
    expect(workers.length).toBeGreaterThan(0);
    expect(workers.every((url) => url.origin === platform.baseUrl)).toBe(true);
    expect(foreignRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
