import type { VersionRecord } from '../models/models.service';
import type { LoadedVersion } from './loaded-version';
import type { TensorMetadata } from './oip-protocol';
import { FEATURES_INPUT, PRESENT_INPUT, VIEWS_INPUT } from '@ddnn/contracts';

/** The OIP model metadata of a loaded version: its inputs, outputs and versions. */
export function versionMetadata(
  modelName: string,
  version: VersionRecord,
  loaded: LoadedVersion,
  versions: number[],
) {
  const config = loaded.config;
  const V = config.numDevices;
  const [H, W, C] = config.inputShape;
  // Only the inputs a generic client sends together (tritonclient, perf_analyzer send every
  // input listed): the views. The cloud tier's own input is an alternative, described in
  // parameters (strings, as the protocol's $parameters values are scalars).
  const inputs: TensorMetadata[] = [
    { name: VIEWS_INPUT, datatype: 'FP32', shape: [-1, V, H, W, C] },
  ];
  const alternative = config.device.binary
    ? `instead of "${VIEWS_INPUT}": "${FEATURES_INPUT}" UINT8 [-1, ${V}, ${loaded.featureBytesPerDevice}] ` +
      `(bit-packed device feature maps, HWC, MSB first; answered by the cloud tier) with an optional ` +
      `"${PRESENT_INPUT}" BOOL [${V}] (false = device absent)`
    : 'none: this model has no binary device tier, so only the views are accepted';
  const outputs: TensorMetadata[] = [
    { name: 'class', datatype: 'INT32', shape: [-1] },
    { name: 'probabilities', datatype: 'FP32', shape: [-1, config.numClasses] },
    { name: 'exit_tier', datatype: 'BYTES', shape: [-1] },
    { name: 'entropy', datatype: 'FP32', shape: [-1] },
    { name: 'comm_bytes', datatype: 'INT32', shape: [-1] },
  ];
  return {
    name: modelName,
    versions: versions.map(String),
    platform: 'ddnn_tfjs',
    inputs,
    outputs,
    parameters: {
      version: String(version.version),
      threshold: version.threshold,
      class_names: loaded.classNames,
      alternative_inputs: alternative,
    },
  };
}
