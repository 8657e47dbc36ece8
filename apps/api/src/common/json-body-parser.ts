import type { FastifyInstance } from 'fastify';

/**
 * Whether arrays and objects in the JSON `text` nest deeper than `maxDepth`. One pass over the characters, no recursion: a body nested 50,000 deep
 * (a few hundred KB) is refused before JSON.parse or any recursive walk over the value runs.
 */
export function jsonDepthExceeded(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Replaces Fastify's application/json parser with the same parser (prototype poisoning refused)
 * behind the depth check above; a body over it is a 400 naming BODY_MAX_JSON_DEPTH.
 */
export function registerDepthLimitedJsonParser(
  fastify: FastifyInstance,
  limits: { bodyLimit: number; maxDepth: number },
): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: limits.bodyLimit },
    (request, body, done) => {
      if (jsonDepthExceeded(body as string, limits.maxDepth)) {
        const error = new Error(
          `the JSON body is nested deeper than ${limits.maxDepth} arrays/objects (limit set by BODY_MAX_JSON_DEPTH)`,
        ) as Error & { statusCode: number };
        error.statusCode = 400;
        done(error, undefined);
        return;
      }
      parse(request, body as string, done);
    },
  );
}
