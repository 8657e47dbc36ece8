import { ApiError, graphqlError, networkError, reportIfUnauthorized } from './api-error';
import { GRAPHQL_HTTP_PATH } from './graphql-endpoints';
import type { TypedDocumentString } from './graphql.generated';
import { authHeaders } from './session';

/**
 * One GraphQL request over fetch with the admin token; errors become ApiError. The document
 * (queries.ts) fixes the variables' and the result's types.
 */
export async function graphql<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
): Promise<TResult> {
  const query = document.toString();
  let response: Response;
  try {
    response = await fetch(GRAPHQL_HTTP_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders() },
      body: JSON.stringify({ query, variables: variables ?? {} }),
    });
  } catch (error) {
    throw networkError(error);
  }
  let body: { data?: TResult; errors?: { message: string }[] };
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
