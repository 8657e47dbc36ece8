/** Where the platform answers GraphQL: HTTP at /graphql, WebSocket (graphql-transport-ws) on the same path. */
export const GRAPHQL_HTTP_PATH = '/graphql';

/** The WebSocket URL of /graphql on this page's host (wss: when the page came over https:). */
export function graphqlWebSocketUrl(): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${location.host}${GRAPHQL_HTTP_PATH}`;
}
