import WebSocket from 'ws';

/**
 * A minimal GraphQL-over-WebSocket client (graphql-transport-ws protocol, served by
 * graphql-ws): collects every `next` payload of one subscription, its `error` and `complete`.
 */
export class GraphqlSubscription<T> {
  readonly events: T[] = [];
  readonly errors: unknown[] = [];
  /** Resolves when the server sends `complete` for the subscription. */
  readonly completed: Promise<void>;
  private markCompleted!: () => void;
  private socket!: WebSocket;

  private constructor() {
    this.completed = new Promise((resolve) => (this.markCompleted = resolve));
  }

  static async open<T>(
    baseUrl: string,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<GraphqlSubscription<T>> {
    const sub = new GraphqlSubscription<T>();
    sub.socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise<void>((resolve, reject) => {
      sub.socket.once('error', reject);
      sub.socket.once('open', () => {
        sub.socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      });
      sub.socket.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as {
          type: string;
          payload?: { data?: T; errors?: unknown };
        };
        if (message.type === 'connection_ack') {
          sub.socket.send(
            JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }),
          );
          resolve();
        } else if (message.type === 'next') {
          if (message.payload?.errors) sub.errors.push(message.payload.errors);
          if (message.payload?.data) sub.events.push(message.payload.data);
        } else if (message.type === 'error') {
          sub.errors.push(message.payload);
        } else if (message.type === 'complete') {
          sub.markCompleted();
        }
      });
    });
    return sub;
  }

  close(): void {
    this.socket.close();
  }
}
