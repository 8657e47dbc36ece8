import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { initEngineBackend } from '@ddnn/engine';
import { createOipModel } from './support/oip-fixture';
import { ADMIN_TOKEN, TestPlatform } from './support/test-platform';

const INIT_TIMEOUT_MS = 400;
const PROGRESS = (jobId: string) =>
  `subscription { trainingProgress(jobId: "${jobId}") { trainingJobId status epoch } }`;

/** A raw graphql-transport-ws socket: every message it receives, and how it closed. */
class RawSocket {
  readonly messages: { type: string; id?: string; payload?: unknown }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
    socket.on('message', (raw) => this.messages.push(JSON.parse(String(raw))));
  }

  static async open(baseUrl: string, protocols = ['graphql-transport-ws']): Promise<RawSocket> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/graphql`, protocols);
    const raw = new RawSocket(socket);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return raw;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends connection_init and waits for connection_ack. */
  async init(payload?: Record<string, unknown>): Promise<void> {
    this.send({ type: 'connection_init', ...(payload ? { payload } : {}) });
    await this.next('connection_ack');
  }

  async next(type: string, id?: string): Promise<{ type: string; payload?: unknown }> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = this.messages.find((m) => m.type === type && (id === undefined || m.id === id));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} message`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * GraphQL over WebSocket follows graphql-transport-ws (graphql-ws' PROTOCOL.md): the graphql-ws
 * client works unmodified, and each misuse closes the socket with the protocol's code.
 */
describe('GraphQL over WebSocket (graphql-transport-ws)', () => {
  let platform: TestPlatform;
  let url: string;
  let jobs: { running: string; failed: string };

  beforeAll(async () => {
    await initEngineBackend('wasm');
    platform = await TestPlatform.start({ GRAPHQL_WS_INIT_TIMEOUT_MS: String(INIT_TIMEOUT_MS) });
    url = `${platform.baseUrl.replace(/^http/, 'ws')}/graphql`;
    await createOipModel(platform, 'cams');
    const model = await platform.prisma.model.findUniqueOrThrow({ where: { name: 'cams' } });
    const dataset = await platform.prisma.dataset.findUniqueOrThrow({
      where: { name: 'cams-fixture' },
    });
    const job = (status: 'RUNNING' | 'FAILED') =>
      platform.prisma.trainingJob.create({
        data: {
          modelId: model.id,
          datasetId: dataset.id,
          status,
          params: {},
          totalEpochs: 3,
          currentEpoch: 2,
        },
      });
    jobs = { running: (await job('RUNNING')).id, failed: (await job('FAILED')).id };
  }, 120_000);
  afterAll(() => platform?.stop());

  const client = (connectionParams?: Record<string, unknown>) =>
    createClient({ url, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0 });

  it('serves the graphql-ws client: a finished job yields its final state, then completes', async () => {
    const graphqlWs = client({ headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    try {
      const results: unknown[] = [];
      for await (const result of graphqlWs.iterate({ query: PROGRESS(jobs.failed) })) {
        results.push(result);
      }
      expect(results).toEqual([
        { data: { trainingProgress: { trainingJobId: jobs.failed, status: 'FAILED', epoch: 2 } } },
      ]);
    } finally {
      await graphqlWs.dispose();
    }
  });

  it('gives the graphql-ws client an unknown job as an error', async () => {
    const graphqlWs = client();
    try {
      const unknown = '00000000-0000-0000-0000-000000000000';
      const iterate = async () => {
        for await (const result of graphqlWs.iterate({ query: PROGRESS(unknown) })) {
          if (result.errors) throw new Error(JSON.stringify(result.errors));
        }
      };
      await expect(iterate()).rejects.toThrow(`no training job ${unknown}`);
    } finally {
      await graphqlWs.dispose();
    }
  });

  it('refuses queries and mutations over WebSocket with an error, keeping the connection', async () => {
    const raw = await RawSocket.open(platform.baseUrl);
    try {
      await raw.init();
      raw.send({ id: 'm', type: 'subscribe', payload: { query: '{ models { name } }' } });
      const error = await raw.next('error', 'm');
      expect(JSON.stringify(error.payload)).toContain('only subscriptions run over WebSocket');
      raw.send({ id: 'ok', type: 'subscribe', payload: { query: PROGRESS(jobs.failed) } });
      await raw.next('complete', 'ok');
    } finally {
      raw.close();
    }
  });

  it('closes with 4400 on a message that is not a protocol message', async () => {
    const raw = await RawSocket.open(platform.baseUrl);
    raw.send('{not json');
    expect((await raw.closed).code).toBe(4400);
    const noId = await RawSocket.open(platform.baseUrl);
    await noId.init();
    noId.send({ type: 'subscribe', payload: { query: PROGRESS(jobs.failed) } });
    expect((await noId.closed).code).toBe(4400);
  });

  it('closes with 4401 on a subscribe before connection_ack', async () => {
    const raw = await RawSocket.open(platform.baseUrl);
    raw.send({ id: '1', type: 'subscribe', payload: { query: PROGRESS(jobs.failed) } });
    expect(await raw.closed).toEqual({ code: 4401, reason: 'Unauthorized' });
  });

  it('acknowledges any connection_init payload: subscriptions need no credential (no 4403)', async () => {
    for (const payload of [undefined, {}, { headers: { authorization: 'Bearer wrong' } }]) {
      const raw = await RawSocket.open(platform.baseUrl);
      await raw.init(payload);
      raw.close();
    }
  });

  it('closes with 4406 when the client does not speak graphql-transport-ws', async () => {
    const none = await RawSocket.open(platform.baseUrl, []);
    expect(await none.closed).toEqual({ code: 4406, reason: 'Subprotocol not acceptable' });
    // The legacy subprotocol of subscriptions-transport-ws is not chosen in the handshake.
    await expect(RawSocket.open(platform.baseUrl, ['graphql-ws'])).rejects.toThrow(
      'Server sent no subprotocol',
    );
  });

  it('closes with 4408 when no connection_init comes within GRAPHQL_WS_INIT_TIMEOUT_MS', async () => {
    const raw = await RawSocket.open(platform.baseUrl);
    const started = Date.now();
    expect(await raw.closed).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(INIT_TIMEOUT_MS - 50);
  });

  it('closes with 4409 when a subscription id is already in use', async () => {
    const raw = await RawSocket.open(platform.baseUrl);
    await raw.init();
    raw.send({ id: 'same', type: 'subscribe', payload: { query: PROGRESS(jobs.running) } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    raw.send({ id: 'same', type: 'subscribe', payload: { query: PROGRESS(jobs.running) } });
    expect(await raw.closed).toEqual({ code: 4409, reason: 'Subscriber for same already exists' });
  });

  it('closes with 4429 on a second connection_init', async () => {
    const raw = await RawSocket.open(platform.baseUrl);
    await raw.init();
    raw.send({ type: 'connection_init' });
    expect(await raw.closed).toEqual({ code: 4429, reason: 'Too many initialisation requests' });
  });

  it('answers 404 to a WebSocket upgrade on another path', async () => {
    const socket = new WebSocket(
      `${platform.baseUrl.replace(/^http/, 'ws')}/other`,
      'graphql-transport-ws',
    );
    const status = await new Promise<number | undefined>((resolve) => {
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode));
      socket.once('error', () => resolve(undefined));
    });
    expect(status).toBe(404);
  });
});
