import type { VersionRecord } from '../models/models.service';
import type { LoadedVersion } from './loaded-version';
import type { TensorMetadata } from './oip-protocol';
import { FEATURES_INPUT, PRESENT_INPUT, VIEWS_INPUT } from './request-decoding';

/** The OIP model metadata of a loaded version: its inputs, outputs and versions. */
export function versionMetadata(
  modelName: string,
  version: VersionRecord,
  loaded: LoadedVersion,
  versions: { version: number }[],
) {
  const config = loaded.config;
  const V = config.numDevices;
  const [H, W, C] = config.inputShape;
  const inputs: TensorMetadata[] = [
    {
      name: VIEWS_INPUT,
      datatype: 'FP32',
      shape: [-1, V, H, W, C],
      parameters: {
        mode: 'b: raw multi-view samples, run through devices, local exit and cloud in-process',
      },
    },
    {
      name: FEATURES_INPUT,
      datatype: 'UINT8',
      shape: [-1, V, loaded.featureBytesPerDevice],
      parameters: {
        mode: 'a: the cloud tier input, bit-packed device feature maps (HWC, MSB first)',
      },
    },
    {
      name: PRESENT_INPUT,
      datatype: 'BOOL',
      shape: [V],
      parameters: { optional: true, with: FEATURES_INPUT },
    },
  ];
  const outputs: TensorMetadata[] = [
    { name: 'class', datatype: 'INT32', shape: [-1] },
    { name: 'probabilities', datatype: 'FP32', shape: [-1, config.numClasses] },
    { name: 'exit_tier', datatype: 'BYTES', shape: [-1] },
    { name: 'entropy', datatype: 'FP32', shape: [-1] },
    { name: 'comm_bytes', datatype: 'INT32', shape: [-1] },
  ];
  return {
    name: modelName,
    versions: versions.map((v) => String(v.version)),
    platform: 'ddnn_tfjs',
    inputs,
    outputs,
    parameters: {
      version: String(version.version),
      threshold: version.threshold,
      class_names: loaded.classNames,
    },
  };
}
