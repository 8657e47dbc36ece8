import { ApiError, graphqlError, networkError, reportIfUnauthorized } from './api-error';
import { GRAPHQL_HTTP_PATH } from './graphql-endpoints';
import { authHeaders } from './session';

/** One GraphQL request over fetch with the admin token; errors become ApiError. */
export async function graphql<T>(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(GRAPHQL_HTTP_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders() },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw networkError(error);
  }
  let body: { data?: T; errors?: { message: string }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(
      `the platform answered HTTP ${response.status} without JSON`,
      'HTTP_ERROR',
      response.status,
    );
  }
  if (body.errors?.length) throw reportIfUnauthorized(graphqlError(body.errors, response.status));
  if (!body.data)
    throw new ApiError('the platform answered no data', 'GRAPHQL_ERROR', response.status);
  return body.data;
}
