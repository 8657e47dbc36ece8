/** fetch options plus `admin` (send the admin token) and `json` (a JSON body). */
export type JsonRequestInit = RequestInit & { admin?: boolean; json?: unknown };

/** The fetch options of a JsonRequestInit: the admin bearer token and the JSON body applied. */
export function jsonRequest(init: JsonRequestInit, adminToken: string): RequestInit {
  const { admin, json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (admin) headers.set('authorization', `Bearer ${adminToken}`);
  if (json === undefined) return { ...rest, headers };
  headers.set('content-type', 'application/json');
  return { ...rest, headers, body: JSON.stringify(json) };
}

/** A response body parsed as JSON, or undefined when it is not JSON. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
