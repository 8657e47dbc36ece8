import { networkError, reportIfUnauthorized, restError } from './api-error';
import { authHeaders } from './session';

/** A REST call with the admin token; a non-2xx answer becomes ApiError. */
export async function rest(path: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: { ...authHeaders(), ...(init.headers as Record<string, string> | undefined) },
    });
  } catch (error) {
    throw networkError(error);
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined);
    throw reportIfUnauthorized(restError(response.status, body));
  }
  return response;
}
