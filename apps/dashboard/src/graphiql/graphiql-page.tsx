import { GraphiQL } from 'graphiql';
import { useState } from 'react';
import { storedToken } from '../api/session';
import { platformFetcher } from './platform-fetcher';

const DEFAULT_QUERY = `# GraphiQL for the DDNN platform: Ctrl-Enter runs the operation under the cursor.
# Queries need no token; mutations need the admin token (log in to the dashboard in this tab).
{
  models {
    name
  }
}
`;

/** GraphiQL against this platform's /graphql, built into the dashboard's own assets. */
export function GraphiqlPage() {
  // One fetcher for the page's life: a new one would make GraphiQL fetch the schema again.
  const [fetcher] = useState(platformFetcher);
  const hasToken = storedToken() !== null;
  return (
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY}>
      <GraphiQL.Logo>
        <a href="/dashboard/">DDNN</a> GraphiQL
      </GraphiQL.Logo>
      <GraphiQL.Footer>
        <p className="graphiql-token-note" data-testid="graphiql-token-note">
          {hasToken
            ? "Sending the dashboard's admin token with every request."
            : 'No admin token in this tab: queries work, mutations are refused. '}
          {hasToken ? null : <a href="/dashboard/">Log in to the dashboard</a>}
        </p>
      </GraphiQL.Footer>
    </GraphiQL>
  );
}
