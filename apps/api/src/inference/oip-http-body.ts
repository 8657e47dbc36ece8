import type { FastifyInstance, FastifyRequest } from 'fastify';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '@ddnn/contracts';
import { Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { isOipPath } from '../common/domain-exception.filter';
import { DomainError, ErrorCode } from '../common/domain-error';
import { jsonDepthExceeded } from '../common/json-body-parser';

/**
 * How request bodies reach the Open Inference Protocol routes (/v2), as Triton reads them:
 * - whatever the Content-Type (none, application/json, application/octet-stream, text/plain...),
 *   the route gets the raw bytes; without Inference-Header-Content-Length the whole body is the
 *   JSON request, with it the body is a binary tensor data request (tritonclient sends no
 *   Content-Type at all, its asyncio client sends JSON as application/octet-stream);
 * - `Content-Encoding: gzip` or `deflate` (zlib, as tritonclient and Triton mean it) bodies are
 *   decompressed while they stream in; BODY_MAX_BYTES applies to the decompressed size too, so a
 *   small compressed bomb is a 413, not an out-of-memory.
 * Everywhere else the usual parsers apply and an unknown Content-Type stays a 415.
 * Every JSON text (a body, or the JSON header of a binary /v2 request) nesting arrays/objects
 * deeper than `maxJsonDepth` is a 400 naming BODY_MAX_JSON_DEPTH, before anything parses it.
 */
export function registerBodyParsers(
  fastify: FastifyInstance,
  limits: { bodyLimit: number; maxJsonDepth: number },
): void {
  const { bodyLimit, maxJsonDepth } = limits;
  const tooDeep = (request: FastifyRequest, body: Buffer): Error | undefined => {
    const headerLength = Number(request.headers[INFERENCE_HEADER_CONTENT_LENGTH]);
    const json =
      isOipPath(request.url) && Number.isInteger(headerLength) && headerLength >= 0
        ? body.subarray(0, headerLength)
        : body;
    if (!jsonDepthExceeded(json.toString('utf8'), maxJsonDepth)) return undefined;
    return Object.assign(
      new Error(
        `the JSON body is nested deeper than ${maxJsonDepth} arrays/objects (limit set by BODY_MAX_JSON_DEPTH)`,
      ),
      { statusCode: 400 },
    );
  };
  fastify.addHook('preParsing', async (request, _reply, payload) => {
    if (!isOipPath(request.url)) return payload;
    const encoding = String(request.headers['content-encoding'] ?? '')
      .trim()
      .toLowerCase();
    if (encoding === '' || encoding === 'identity') return payload;
    const decoder =
      encoding === 'gzip' || encoding === 'x-gzip'
        ? createGunzip()
        : encoding === 'deflate'
          ? createInflate()
          : undefined;
    if (!decoder) {
      throw new DomainError(
        ErrorCode.UnsupportedMediaType,
        `Content-Encoding "${encoding}" is not supported: send gzip, deflate or an uncompressed body`,
      );
    }
    // Fastify compares Content-Length with the bytes received on the wire (receivedEncodedLength)
    // and the body limit with both the wire and the decompressed sizes.
    const output = decoder as typeof decoder & { receivedEncodedLength: number };
    output.receivedEncodedLength = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        output.receivedEncodedLength += chunk.length;
        done(null, chunk);
      },
    });
    payload.on('error', (error) => decoder.destroy(error));
    decoder.on('error', (error: Error & { statusCode?: number }) => {
      error.statusCode = 400;
      error.message = `the ${encoding} request body could not be decompressed: ${error.message}`;
    });
    payload.pipe(counted).pipe(decoder);
    return output;
  });

  const defaultJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser(
    'text/plain',
    { parseAs: 'buffer', bodyLimit },
    (request: FastifyRequest, body: Buffer, done) => {
      const deep = isOipPath(request.url) ? tooDeep(request, body) : undefined;
      if (deep) done(deep, undefined);
      else done(null, isOipPath(request.url) ? body : body.toString('utf8'));
    },
  );
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit },
    (request: FastifyRequest, body: Buffer, done) => {
      const deep = tooDeep(request, body);
      if (deep) done(deep, undefined);
      else if (isOipPath(request.url)) done(null, body);
      else defaultJson(request, body.toString('utf8'), done);
    },
  );
  // Binary tensor data: the raw body goes to the inference service (its JSON header checked).
  fastify.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit },
    (request: FastifyRequest, body: Buffer, done) => {
      const deep = isOipPath(request.url) ? tooDeep(request, body) : undefined;
      if (deep) done(deep, undefined);
      else done(null, body);
    },
  );
  // Any other (or no) Content-Type: raw bytes for /v2, the usual 415 elsewhere.
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit },
    (request: FastifyRequest, body: Buffer, done) => {
      if (isOipPath(request.url)) {
        const deep = tooDeep(request, body);
        if (deep) done(deep, undefined);
        else done(null, body);
        return;
      }
      const type = request.headers['content-type'];
      const error = new DomainError(
        ErrorCode.UnsupportedMediaType,
        type === undefined
          ? 'the request has a body but no Content-Type: send Content-Type: application/json'
          : `Content-Type "${type}" is not supported here: send application/json`,
      );
      // statusCode: for error handlers that read it rather than the code (Mercurius' /graphql).
      done(Object.assign(error, { statusCode: 415 }), undefined);
    },
  );
}

/** The JSON request of a /v2 infer body read as Triton does; a Buffer stays binary when it is. */
export function oipRequestBody(
  body: unknown,
  headerLength: string | undefined,
): { binary: Buffer; headerLength: string } | { json: unknown } {
  if (body === undefined || body === null || (Buffer.isBuffer(body) && body.length === 0)) {
    throw new DomainError(
      ErrorCode.InvalidInferenceRequest,
      'the request has no body: send a JSON inference request ({"inputs": [...]})',
    );
  }
  if (!Buffer.isBuffer(body)) return { json: body };
  if (headerLength !== undefined) return { binary: body, headerLength };
  try {
    return { json: JSON.parse(body.toString('utf8')) as unknown };
  } catch (error) {
    throw new DomainError(
      ErrorCode.InvalidInferenceRequest,
      `the request body is not JSON (${(error as Error).message}); a binary tensor data request needs an Inference-Header-Content-Length header`,
    );
  }
}
