import { Client } from 'pg';
import { TestPlatform } from './support/test-platform';

/**
 * Registering an edge client makes its row and uses up the token in one transaction. Prisma runs
 * that transaction on one pg connection; a query that loads relations while another query of the
 * transaction is running makes pg print "Calling client.query() when the client is already
 * executing a query is deprecated" (issue 17 item 11). pg prints that once per process, and Jest's
 * sandbox does not see process warnings, so the test records pg's own condition for it instead:
 * a query started while the same connection still has one queued (Client._queryQueue not empty).
 */
describe('edge registration, quietly', () => {
  let platform: TestPlatform;
  const overlapping: string[] = [];
  const query = Client.prototype.query;

  beforeAll(async () => {
    platform = await TestPlatform.start();
  });
  afterAll(async () => {
    Client.prototype.query = query;
    await platform?.stop();
  });

  function watchOverlappingQueries(): void {
    Client.prototype.query = function (
      this: Client & { _queryQueue: unknown[] },
      ...args: never[]
    ) {
      if (this._queryQueue.length > 0) {
        const text = args[0] as unknown as string | { text?: string };
        overlapping.push(typeof text === 'string' ? text : String(text?.text));
      }
      return (query as (...a: never[]) => unknown).apply(this, args);
    } as typeof Client.prototype.query;
  }

  it('registers clients without pg deprecation warnings, and each token works once', async () => {
    const dataset = await platform.http('/datasets/builtin', {
      method: 'POST',
      admin: true,
      json: { builtin: 'synthetic-mvmc', seed: 1, trainSize: 12, testSize: 6 },
    });
    expect(dataset.status).toBe(201);
    const model = await platform.http('/models', {
      method: 'POST',
      admin: true,
      json: { name: 'cams' },
    });
    expect(model.status).toBe(201);
    // A version row is all registration needs (it checks the version exists).
    const job = await platform.prisma.trainingJob.create({
      data: {
        modelId: model.json.id,
        datasetId: dataset.json.id,
        status: 'COMPLETED',
        params: {},
        totalEpochs: 1,
      },
    });
    await platform.prisma.modelVersion.create({
      data: {
        modelId: model.json.id,
        version: 1,
        config: model.json.config,
        metrics: {},
        threshold: 0.5,
        weights: new Uint8Array(0),
        datasetId: dataset.json.id,
        trainingJobId: job.id,
      },
    });
    watchOverlappingQueries();
    for (const [i, body] of [
      { name: 'gateway', gateway: true },
      { name: 'cam-0', deviceIndex: 0 },
      { name: 'cam-1', deviceIndex: 1 },
    ].entries()) {
      const token = await platform.http('/edge/enrollment-tokens', {
        method: 'POST',
        admin: true,
        json: {},
      });
      expect(token.status).toBe(201);
      const register = () =>
        platform.http('/edge/clients/register', {
          method: 'POST',
          json: { enrollmentToken: token.json.token, modelName: 'cams', version: 1, ...body },
        });
      const first = await register();
      expect({ i, status: first.status }).toEqual({ i, status: 201 });
      expect(first.json.client).toMatchObject({ name: body.name, modelName: 'cams' });
      const again = await register();
      expect(again.status).toBe(401);
      expect(again.json.error.code).toBe('ENROLLMENT_TOKEN_REFUSED');
    }
    expect(overlapping).toEqual([]);
  });
});
