import type { SampleResult } from './group-gateway';

export interface RunSummary {
  samples: number;
  answered: number;
  /** Correct answers over answered samples with a label. */
  accuracy: number;
  localExitRate: number;
  exits: Record<SampleResult['exitTier'], number>;
  deviceToGateway: {
    wireBytes: number;
    payloadBytes: number;
    /** Per device and sample, over the devices of the model. */
    wireBytesPerDevicePerSample: number;
    payloadBytesPerDevicePerSample: number;
    /** The communication formula 4|C| + (1 - l) * featureBytes at this run's local-exit rate. */
    formulaBytesPerDevicePerSample: number;
    /** Framing on top of the payload: 9 bytes per frame (length, type, sample number). */
    framingBytesPerDevicePerSample: number;
  };
  gatewayToCloud: {
    requests: number;
    requestBytes: number;
    /** Request bodies: the extension's JSON header plus the tensor bytes. */
    bodyBytes: number;
    payloadBytes: number;
    responseBytes: number;
    /** HTTP request line, headers and the JSON header of the binary extension, per request. */
    overheadBytesPerRequest: number;
  };
}

export function summarizeRun(
  results: SampleResult[],
  numDevices: number,
  numClasses: number,
  featureBytes: number,
): RunSummary {
  const exits = { local: 0, cloud: 0, 'local-fallback': 0, unanswered: 0 };
  let correct = 0;
  let labelled = 0;
  let wire = 0;
  let payload = 0;
  let requestBytes = 0;
  let cloudPayload = 0;
  let cloudBody = 0;
  let responseBytes = 0;
  for (const r of results) {
    exits[r.exitTier]++;
    if (r.exitTier !== 'unanswered' && r.label >= 0) {
      labelled++;
      if (r.predictedClass === r.label) correct++;
    }
    wire += r.deviceWireBytes;
    payload += r.devicePayloadBytes;
    requestBytes += r.cloudRequestBytes;
    cloudPayload += r.cloudPayloadBytes;
    cloudBody += r.cloudBodyBytes;
    responseBytes += r.cloudResponseBytes;
  }
  const n = results.length;
  const answered = n - exits.unanswered;
  const localExitRate = answered ? exits.local / answered : 0;
  const perDeviceSample = (x: number) => (n ? x / (n * numDevices) : 0);
  return {
    samples: n,
    answered,
    accuracy: labelled ? correct / labelled : 0,
    localExitRate,
    exits,
    deviceToGateway: {
      wireBytes: wire,
      payloadBytes: payload,
      wireBytesPerDevicePerSample: perDeviceSample(wire),
      payloadBytesPerDevicePerSample: perDeviceSample(payload),
      formulaBytesPerDevicePerSample: 4 * numClasses + (1 - localExitRate) * featureBytes,
      framingBytesPerDevicePerSample: perDeviceSample(wire - payload),
    },
    gatewayToCloud: {
      requests: exits.cloud,
      requestBytes,
      bodyBytes: cloudBody,
      payloadBytes: cloudPayload,
      responseBytes,
      overheadBytesPerRequest: exits.cloud ? (requestBytes - cloudPayload) / exits.cloud : 0,
    },
  };
}
