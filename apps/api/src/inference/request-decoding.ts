import { FEATURES_INPUT, PRESENT_INPUT, VIEWS_INPUT } from '@ddnn/contracts';
import { DomainError, ErrorCode } from '../common/domain-error';
import type { InferInput, InferRequest } from './oip-protocol';
import type { LoadedVersion } from './loaded-version';

/** Mode (b): raw multi-view samples through the whole hierarchy. */
export interface ViewsRequest {
  mode: 'views';
  numSamples: number;
  pixels: Float32Array;
}

/** Mode (a): the cloud tier's own input, the devices' bit-packed binary feature maps. */
export interface FeaturesRequest {
  mode: 'features';
  numSamples: number;
  /** Per device: [N * bytesPerDevice] packed bits, or null for a device marked absent. */
  features: (Uint8Array | null)[];
  presentKey: string;
}

export type DecodedRequest = ViewsRequest | FeaturesRequest;

function bad(message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError(ErrorCode.InvalidInferenceRequest, message, details);
}

function flatten(data: unknown[], out: unknown[] = []): unknown[] {
  for (const value of data) {
    if (Array.isArray(value)) flatten(value, out);
    else out.push(value);
  }
  return out;
}

function checkShape(input: InferInput, expected: (number | 'N')[]): number {
  let matches = input.shape.length === expected.length;
  for (let i = 0; matches && i < expected.length; i++) {
    matches = expected[i] === 'N' || expected[i] === input.shape[i];
  }
  if (!matches) {
    const pretty = `[${expected.join(', ')}]`;
    throw bad(`input "${input.name}": shape must be ${pretty}, got [${input.shape.join(', ')}]`, {
      input: input.name,
      expectedShape: expected,
      shape: input.shape,
    });
  }
  const n = input.shape[0];
  if (n < 1) throw bad(`input "${input.name}": the batch dimension N must be at least 1`);
  return n;
}

function checkDatatype(input: InferInput, expected: string): void {
  if (input.datatype !== expected) {
    throw bad(`input "${input.name}": datatype must be ${expected}, got ${input.datatype}`, {
      input: input.name,
      expectedDatatype: expected,
    });
  }
}

function values(input: InferInput): ArrayLike<unknown> {
  // Row-major flat data (the usual case) is used as it is; nested arrays are flattened.
  const data = input.data;
  const flat = Array.isArray(data) && data.some(Array.isArray) ? flatten(data) : data;
  let expected = 1;
  for (const size of input.shape) expected *= size;
  if (flat.length !== expected) {
    throw bad(
      `input "${input.name}": shape [${input.shape.join(', ')}] holds ${expected} values but data has ${flat.length}`,
      { input: input.name, expectedValues: expected, values: flat.length },
    );
  }
  return flat;
}

const KNOWN_INPUTS = [VIEWS_INPUT, FEATURES_INPUT, PRESENT_INPUT];

/** Every device present (no "present" input), per number of devices: the mask and its key. */
const allPresent = new Map<number, { mask: boolean[]; key: string }>();

function everyDevicePresent(devices: number): { mask: boolean[]; key: string } {
  let found = allPresent.get(devices);
  if (!found) {
    found = { mask: Array.from({ length: devices }, () => true), key: '1'.repeat(devices) };
    allPresent.set(devices, found);
  }
  return found;
}

/**
 * The index of the first NaN or infinity, or -1. `v - v` is 0 exactly for finite v; unlike
 * `Number.isFinite` it looks up no global, which under Jest's VM sandbox cost ~300 ns a value
 * (a 22 MB body of views held the event loop for over a second in the serving spec).
 */
function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) return i;
  }
  return -1;
}

/** Validates an OIP request against a loaded version; every 400 says what was expected. */
export function decodeRequest(request: InferRequest, loaded: LoadedVersion): DecodedRequest {
  const config = loaded.config;
  const V = config.numDevices;
  const [H, W, C] = config.inputShape;
  const names = request.inputs.map((i) => i.name);
  const unknown = names.filter((n) => !KNOWN_INPUTS.includes(n));
  if (unknown.length > 0 || (names.length > 1 && new Set(names).size !== names.length)) {
    throw bad(
      `unexpected or repeated inputs [${names.join(', ')}]: send either "${VIEWS_INPUT}" (FP32 [N, ${V}, ${H}, ${W}, ${C}], ` +
        `raw views) or "${FEATURES_INPUT}" (UINT8 [N, ${V}, ${loaded.featureBytesPerDevice}], bit-packed device features) ` +
        `with an optional "${PRESENT_INPUT}" (BOOL [${V}])`,
    );
  }
  const views = request.inputs.find((i) => i.name === VIEWS_INPUT);
  const features = request.inputs.find((i) => i.name === FEATURES_INPUT);
  const present = request.inputs.find((i) => i.name === PRESENT_INPUT);
  if ((views ? 1 : 0) + (features ? 1 : 0) !== 1) {
    throw bad(
      `send exactly one of "${VIEWS_INPUT}" (raw views) or "${FEATURES_INPUT}" (device features)`,
    );
  }
  if (views) {
    if (present)
      throw bad(
        `"${PRESENT_INPUT}" goes with "${FEATURES_INPUT}" only; absent views are all-zero images`,
      );
    checkDatatype(views, 'FP32');
    const n = checkShape(views, ['N', V, H, W, C]);
    const flat = values(views);
    if (flat instanceof Float32Array) {
      // binary tensor data: already float32, only finiteness to check
      const i = firstNonFinite(flat);
      if (i >= 0) {
        throw bad(`input "${VIEWS_INPUT}": value ${i} is ${flat[i]}, expected a finite number`);
      }
      return { mode: 'views', numSamples: n, pixels: flat };
    }
    const pixels = new Float32Array(flat.length);
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw bad(
          `input "${VIEWS_INPUT}": value ${i} is ${JSON.stringify(v)}, expected a finite number`,
        );
      }
      pixels[i] = v;
    }
    return { mode: 'views', numSamples: n, pixels };
  }
  const f = features!;
  if (!config.device.binary) {
    throw bad(
      `this model's devices are not binary: "${FEATURES_INPUT}" (bit-packed) is not available`,
    );
  }
  checkDatatype(f, 'UINT8');
  const B = loaded.featureBytesPerDevice;
  const n = checkShape(f, ['N', V, B]);
  const flat = values(f);
  // shared when every device is present: only read below
  let { mask, key: presentKey } = everyDevicePresent(V);
  if (present) {
    checkDatatype(present, 'BOOL');
    if (present.shape.length !== 1 || present.shape[0] !== V) {
      throw bad(
        `input "${PRESENT_INPUT}": shape must be [${V}], got [${present.shape.join(', ')}]`,
      );
    }
    mask = Array.from(values(present), (v, i) => {
      if (typeof v !== 'boolean')
        throw bad(`input "${PRESENT_INPUT}": value ${i} must be true or false`);
      return v;
    });
    if (!mask.some(Boolean))
      throw bad(`input "${PRESENT_INPUT}": at least one device must be present`);
    presentKey = mask.map((m) => (m ? '1' : '0')).join('');
  }
  if (flat instanceof Uint8Array && n === 1) {
    // binary tensor data, one sample: each device's bytes are a view on the body (no copy)
    return {
      mode: 'features',
      numSamples: 1,
      features: mask.map((on, d) => (on ? flat.subarray(d * B, (d + 1) * B) : null)),
      presentKey,
    };
  }
  const perDevice = mask.map((on) => (on ? new Uint8Array(n * B) : null));
  if (flat instanceof Uint8Array) {
    // binary tensor data: every byte is a valid value; [N, V, B] to per-device [N, B]
    for (let s = 0; s < n; s++) {
      for (let d = 0; d < V; d++) {
        const start = (s * V + d) * B;
        perDevice[d]?.set(flat.subarray(start, start + B), s * B);
      }
    }
    return {
      mode: 'features',
      numSamples: n,
      features: perDevice,
      presentKey,
    };
  }
  for (let s = 0; s < n; s++) {
    for (let d = 0; d < V; d++) {
      const target = perDevice[d];
      for (let b = 0; b < B; b++) {
        const index = (s * V + d) * B + b;
        const v = flat[index];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
          throw bad(
            `input "${FEATURES_INPUT}": value ${index} is ${JSON.stringify(v)}, expected an integer 0..255`,
          );
        }
        if (target) target[s * B + b] = v;
      }
    }
  }
  return {
    mode: 'features',
    numSamples: n,
    features: perDevice,
    presentKey,
  };
}
