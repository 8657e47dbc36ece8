import { pixelBombZip } from '../libs/datasets/src/testing/pixel-bomb';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { insertEmptyDataset, publishUntrainedVersion } from './support/publish-test-version';
import { ADMIN_TOKEN, TestPlatform } from './support/test-platform';

type Response = Awaited<ReturnType<TestPlatform['http']>>;

/**
 * Hostile but cheap inputs over real HTTP against real PostgreSQL: each is answered with a clear
 * 4xx naming the problem, never a 500, and stores nothing.
 */
describe('hostile inputs', () => {
  let platform: TestPlatform;
  let credential: string;
  const BIG = 2 ** 31;
  let emitWarning: jest.SpyInstance;

  beforeAll(async () => {
    emitWarning = jest.spyOn(process, 'emitWarning');
    platform = await TestPlatform.start();
    const prisma = platform.prisma;
    expect(
      (await platform.http('/models', { method: 'POST', admin: true, json: { name: 'm' } })).status,
    ).toBe(201);
    const model = await prisma.model.findUniqueOrThrow({ where: { name: 'm' } });
    const dataset = await insertEmptyDataset(prisma, {
      name: 'd',
      viewCount: 6,
      viewShape: [32, 32, 3],
      classNames: ['a', 'b', 'c'],
    });
    await publishUntrainedVersion(prisma, {
      modelId: model.id,
      datasetId: dataset.id,
      config: model.config,
      seed: 1,
    });
    const token = await platform.http('/edge/enrollment-tokens', {
      method: 'POST',
      admin: true,
      json: {},
    });
    const registered = await platform.http('/edge/clients/register', {
      method: 'POST',
      json: {
        enrollmentToken: token.json.token,
        name: 'gw',
        modelName: 'm',
        version: 1,
        gateway: true,
      },
    });
    expect(registered.status).toBe(201);
    credential = registered.json.credential;
  }, 120_000);
  afterAll(() => platform?.stop());

  const post = (path: string, json: unknown, admin = true) =>
    platform.http(path, { method: 'POST', admin, json });
  const gql = (query: string) =>
    platform.http('/graphql', { method: 'POST', admin: true, json: { query } });

  /**
   * Every case is a 4xx whose message matches `text`. GraphQL answers HTTP 200 with the error's
   * status in extensions; a document that does not validate is a request error: 200 with errors
   * and no data to an application/json client (400 with application/graphql-response+json).
   */
  async function expectRefused(what: string, pending: Promise<Response>, text: RegExp) {
    const res = await pending;
    const gqlErrors = res.json?.errors as
      { message: string; extensions?: { status?: number } }[] | undefined;
    const status =
      gqlErrors && res.status === 200
        ? (gqlErrors[0].extensions?.status ?? (res.json.data == null ? 400 : 200))
        : res.status;
    // REST: {error: {message}}; /v2 (Open Inference Protocol): {error: "<message>"}.
    const restMessage =
      typeof res.json?.error === 'string' ? res.json.error : res.json?.error?.message;
    const message = restMessage ?? (gqlErrors ?? []).map((e) => e.message).join('; ');
    expect({ what, clientError: status >= 400 && status < 500, message }).toEqual({
      what,
      clientError: true,
      message: expect.stringMatching(text),
    });
    return res;
  }

  it('starts without Fastify warnings (one error handler, installed once)', () => {
    const codes = emitWarning.mock.calls.map((call) => JSON.stringify(call));
    emitWarning.mockRestore();
    expect(codes.filter((call) => call.includes('FSTWRN'))).toEqual([]);
  });

  it('refuses version numbers of 2^31 and more in every route and GraphQL argument', async () => {
    const range = /1\.\.2147483647|version|32-bit/i;
    const cases: [string, Promise<Response>][] = [
      ['/v2 metadata', platform.http(`/v2/models/m/versions/${BIG}`)],
      ['/v2 ready', platform.http(`/v2/models/m/versions/${BIG}/ready`)],
      ['/v2 huge', platform.http('/v2/models/m/versions/99999999999999999999999')],
      [
        '/v2 infer',
        post(`/v2/models/m/versions/${BIG}/infer`, {
          inputs: [
            {
              name: 'device_features',
              shape: [1, 6, 128],
              datatype: 'UINT8',
              data: new Array(768).fill(0),
            },
          ],
        }),
      ],
      [
        'alias move',
        platform.http('/models/m/aliases/prod', {
          method: 'PUT',
          admin: true,
          json: { version: BIG },
        }),
      ],
      [
        'heartbeat',
        platform.http('/edge/heartbeat', {
          method: 'POST',
          headers: { authorization: `Bearer ${credential}` },
          json: { installedVersion: BIG },
        }),
      ],
      [
        'GraphQL moveAlias',
        gql(`mutation { moveAlias(modelName: "m", alias: "prod", version: ${BIG}) { name } }`),
      ],
      ['GraphQL modelVersion ref', gql(`{ modelVersion(modelName: "m", ref: "${BIG}") { id } }`)],
    ];
    for (const [what, pending] of cases) await expectRefused(what, pending, range);
    const token = await post('/edge/enrollment-tokens', {});
    await expectRefused(
      'register',
      post(
        '/edge/clients/register',
        {
          enrollmentToken: token.json.token,
          name: 'x',
          modelName: 'm',
          version: BIG,
          gateway: true,
        },
        false,
      ),
      range,
    );
    // Version 2^31 - 1 is a well-formed number that does not exist: 404.
    expect((await platform.http(`/v2/models/m/versions/${BIG - 1}`)).status).toBe(404);
  });

  it('refuses ids that are not UUIDs with 4xx', async () => {
    const cases: [string, Promise<Response>][] = [
      ['job', platform.http('/training-jobs/not-a-uuid')],
      ['cancel', post('/training-jobs/not-a-uuid/cancel', {})],
      ['revoke', post('/edge/clients/not-a-uuid/revoke', {})],
      ['GraphQL trainingJob', gql('{ trainingJob(id: "x") { id } }')],
      ['GraphQL modelVersion', gql('{ modelVersion(id: "x") { id } }')],
      ['GraphQL edgeClient', gql('{ edgeClient(id: "x") { id } }')],
      ['GraphQL revoke', gql('mutation { revokeEdgeClient(id: "x") { id } }')],
    ];
    for (const [what, pending] of cases) await expectRefused(what, pending, /./);
  });

  it('refuses other out-of-range numbers in queries and bodies with 4xx', async () => {
    const asGateway = { authorization: `Bearer ${credential}` };
    const cases: [string, Promise<Response>][] = [
      [
        'partition device',
        platform.http('/edge/partition?deviceIndex=2147483648', { headers: asGateway }),
      ],
      [
        'heartbeat counters',
        platform.http('/edge/heartbeat', {
          method: 'POST',
          headers: asGateway,
          json: { counters: { samples: Number.MAX_SAFE_INTEGER * 4 } },
        }),
      ],
      ['GraphQL offset', gql('{ trainingJobs(offset: 2147483648) { nodes { id } } }')],
      ['GraphQL datasets', gql('{ dataset(idOrName: "a\\u0000") { id } }')],
    ];
    for (const [what, pending] of cases) await expectRefused(what, pending, /./);
  });

  it('refuses a NUL character in names and descriptions with a clear message, storing nothing', async () => {
    const nul = /NUL/;
    await expectRefused(
      'model description',
      post('/models', { name: 'n1', description: 'a\u0000b' }),
      nul,
    );
    await expectRefused('model name', post('/models', { name: 'n\u00002' }), /name/);
    await expectRefused(
      'GraphQL createModel',
      gql('mutation { createModel(input: { name: "n3", description: "a\\u0000b" }) { id } }'),
      nul,
    );
    await expectRefused(
      'token description',
      post('/edge/enrollment-tokens', { description: 'x\u0000' }),
      nul,
    );
    const token = await post('/edge/enrollment-tokens', {});
    await expectRefused(
      'client name',
      post(
        '/edge/clients/register',
        {
          enrollmentToken: token.json.token,
          name: 'c\u0000',
          modelName: 'm',
          version: 1,
          gateway: true,
        },
        false,
      ),
      nul,
    );
    await expectRefused(
      'training dataset',
      post('/training-jobs', { modelName: 'm', dataset: 'd\u0000' }),
      /./,
    );
    await expectRefused('dataset by name', platform.http('/datasets/a%00b'), /./);
    await expectRefused('v2 model name', platform.http('/v2/models/a%00b'), /./);
    expect(await platform.prisma.model.count()).toBe(1);
  });

  it('refuses JSON nested 50,000 deep with 400 before anything reads it', async () => {
    const deep = '['.repeat(50_000) + '0' + ']'.repeat(50_000);
    for (const path of ['/v2/models/m/infer', '/models']) {
      const res = await platform.http(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: `{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":${deep}}]}`,
      });
      expect(res.status).toBe(400);
      // Refused by the body parser, before routing; /v2 answers the protocol's {"error": string}.
      const message = path.startsWith('/v2') ? res.json.error : res.json.error.message;
      expect(message).toMatch(/nested deeper than 64 .*BODY_MAX_JSON_DEPTH/);
    }
    expect((await platform.http('/health')).status).toBe(200);
  });

  it('answers a truncated multipart body with 400 and keeps no temporary file', async () => {
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith('ddnn-upload-')).length;
    const boundary = 'XyZ123';
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\ntrunc\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.ddnnds"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\nDDNNDS01 and then the body just stops';
    const { port } = new URL(platform.baseUrl);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
      socket.write(
        `POST /datasets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n` +
          `Content-Type: multipart/form-data; boundary=${boundary}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(raw).toMatch(/multipart/i);
    expect(await platform.prisma.dataset.count()).toBe(1);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('ddnn-upload-')).length).toBe(before);
  });

  it('refuses the 478-byte pixel bomb with 413 naming UPLOAD_MAX_PIXELS, storing nothing', async () => {
    const bomb = pixelBombZip();
    const form = new FormData();
    form.set('name', 'bomb');
    form.set('file', new Blob([new Uint8Array(bomb)]), 'bomb.zip');
    const res = await platform.http('/datasets', { method: 'POST', admin: true, body: form });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.json.error.message).toContain('UPLOAD_MAX_PIXELS');
    expect(res.json.error.message).toContain('125829120 pixel values');
    expect(await platform.prisma.dataset.count()).toBe(1);
  });
});
