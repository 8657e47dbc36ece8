import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GRAPHQL_HTTP_PATH, graphqlWebSocketUrl } from '../api/graphql-endpoints';
import { authHeaders } from '../api/session';

/**
 * GraphiQL's fetcher for this platform: queries and mutations over HTTP to /graphql,
 * subscriptions over graphql-ws (graphql-transport-ws) on the same path. The dashboard's admin
 * token, when this tab has one, goes with every request (and in the WebSocket's connection
 * params), so mutations work after logging in to the dashboard; it stays out of GraphiQL's header
 * editor, which GraphiQL may persist in localStorage.
 */
export function platformFetcher(): Fetcher {
  const headers = authHeaders();
  return createGraphiQLFetcher({
    url: GRAPHQL_HTTP_PATH,
    subscriptionUrl: graphqlWebSocketUrl(),
    headers,
    wsConnectionParams: headers,
  });
}
