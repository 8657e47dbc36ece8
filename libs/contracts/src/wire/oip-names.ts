/**
 * Names both ends of the Open Inference Protocol wire must spell alike: the platform's /v2 (REST
 * and gRPC) and its clients (the edge gateway's cloud calls, benchmarks, tests).
 */

/** Mode (b): raw multi-view samples, FP32 [N, V, H, W, C]. */
export const VIEWS_INPUT = 'views';
/** Mode (a): the devices' bit-packed binary feature maps, UINT8 [N, V, bytesPerDevice]. */
export const FEATURES_INPUT = 'device_features';
/** With mode (a): which devices sent features, BOOL [V]. */
export const PRESENT_INPUT = 'device_present';

/** The outputs of every infer answer, in answer order. */
export const OUTPUT_NAMES = ['class', 'probabilities', 'exit_tier', 'entropy', 'comm_bytes'];

/** Binary tensor data extension: bytes of JSON request/answer before the raw tensor bytes. */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'inference-header-content-length';

/** POST path of an infer call; the newest version when `version` is left out. */
export function inferPath(modelName: string, version?: number | string): string {
  const model = `/v2/models/${encodeURIComponent(modelName)}`;
  return version === undefined
    ? `${model}/infer`
    : `${model}/versions/${encodeURIComponent(String(version))}/infer`;
}
