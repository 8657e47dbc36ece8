import type { FastifyReply } from 'fastify';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '@ddnn/contracts';
import {
  binaryOutputNames,
  encodeInferResponse,
  OutputEncodingRequest,
} from './binary-output-encoding';
import type { InferResponse } from './oip-protocol';
import { compress, negotiateEncoding } from './response-compression';

/** The request side that decides the encoding: the JSON request, or a binary body's header. */
function requestOf(
  payload: { binary: Buffer; headerLength: string } | { json: unknown },
): OutputEncodingRequest {
  // Only called after the inference service accepted the request, so the header is valid JSON.
  const json =
    'json' in payload
      ? payload.json
      : (JSON.parse(
          payload.binary.subarray(0, Number(payload.headerLength)).toString('utf8'),
        ) as unknown);
  return typeof json === 'object' && json !== null ? (json as OutputEncodingRequest) : {};
}

/**
 * Writes a /v2 infer answer as Triton does: JSON, or the binary tensor data layout with
 * Inference-Header-Content-Length when outputs are asked for as binary; compressed with gzip or
 * deflate when Accept-Encoding asks (the header length then still counts uncompressed bytes).
 */
export function sendInferResponse(
  reply: FastifyReply,
  payload: { binary: Buffer; headerLength: string } | { json: unknown },
  response: InferResponse,
  acceptEncoding: string | undefined,
): Buffer {
  const binary = binaryOutputNames(
    requestOf(payload),
    response.outputs.map((o) => o.name),
  );
  const { body, headerLength } = encodeInferResponse(response, binary);
  if (headerLength === undefined) reply.type('application/json');
  else {
    reply.type('application/octet-stream');
    reply.header(INFERENCE_HEADER_CONTENT_LENGTH, String(headerLength));
  }
  const encoding = negotiateEncoding(acceptEncoding);
  reply.header('vary', 'Accept-Encoding');
  if (!encoding) return body;
  reply.header('content-encoding', encoding);
  return compress(body, encoding);
}
