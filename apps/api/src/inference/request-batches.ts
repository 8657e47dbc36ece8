import { DomainError, ErrorCode } from '../common/domain-error';
import type { InferRequest } from './oip-protocol';
import type { DecodedRequest } from './request-decoding';
import { FEATURES_INPUT, VIEWS_INPUT } from '@ddnn/contracts';

/**
 * Refuses a request whose sample count (N, the first dimension of its views or device
 * features) is above INFERENCE_MAX_SAMPLES, before any value is decoded: 413 naming the limit.
 */
export function checkSampleLimit(request: InferRequest, maxSamples: number): void {
  for (const input of request.inputs) {
    if (input.name !== VIEWS_INPUT && input.name !== FEATURES_INPUT) continue;
    const samples = input.shape[0];
    if (samples > maxSamples) {
      throw new DomainError(
        ErrorCode.PayloadTooLarge,
        `input "${input.name}" carries ${samples} samples (shape[0]); at most ${maxSamples} per request (INFERENCE_MAX_SAMPLES): send them in several requests`,
        { input: input.name, samples, limit: 'INFERENCE_MAX_SAMPLES', maxSamples },
      );
    }
  }
}

/** Samples [start, start + count) of a decoded request, as views on its data (no copy). */
export function sliceRequest(
  request: DecodedRequest,
  start: number,
  count: number,
  perSample: number,
): DecodedRequest {
  if (request.mode === 'views') {
    return {
      mode: 'views',
      numSamples: count,
      pixels: request.pixels.subarray(start * perSample, (start + count) * perSample),
    };
  }
  return {
    ...request,
    numSamples: count,
    features: request.features.map(
      (f) => f?.subarray(start * perSample, (start + count) * perSample) ?? null,
    ),
  };
}

/** Splits a request into chunks of at most `maxBatch` samples (one chunk if it fits). */
export function splitRequest(
  request: DecodedRequest,
  maxBatch: number,
  perSample: number,
): DecodedRequest[] {
  if (request.numSamples <= maxBatch) return [request];
  const chunks: DecodedRequest[] = [];
  for (let start = 0; start < request.numSamples; start += maxBatch) {
    chunks.push(
      sliceRequest(request, start, Math.min(maxBatch, request.numSamples - start), perSample),
    );
  }
  return chunks;
}
