import {
  decodePartition,
  PartitionArtifact,
  PartitionManifest,
  sha256Hex,
} from '@ddnn/partition-format';
import { readDeviceLayout } from '../device-layout';
import { CExportError } from './c-export-error';
import { deviceCPlan } from './device-c-plan';
import {
  deviceCSource,
  deviceStaticRamBytes,
  deviceTableBytes,
  type CSourceIdentity,
} from './device-c-source';
import { localCSource } from './local-c-source';

export interface CExportOptions {
  /** Shown in the sources, e.g. `paper-mvmc v3`; `unknown` when not given. */
  modelVersion?: string;
  /** C identifier prefix; defaults to ddnn_device<N> or ddnn_local. */
  symbol?: string;
}

export interface CExportFile {
  name: string;
  content: string;
}

export interface CExport {
  tier: 'device' | 'local';
  deviceIndex: number | null;
  symbol: string;
  /** sha256 (hex) of the partition file the sources were made from. */
  partitionSha256: string;
  /** The header first, then the source. */
  files: CExportFile[];
  /** Static RAM the generated code reserves, and bytes of its const tables (flash on AVR). */
  staticRamBytes: number;
  tableBytes: number;
}

const SYMBOL = /^[A-Za-z_][A-Za-z0-9_]{0,40}$/;

function defaultSymbol(manifest: PartitionManifest): string {
  return manifest.tier === 'device' ? `ddnn_device${manifest.deviceIndex}` : 'ddnn_local';
}

/**
 * Turns a device partition (binary) or the local aggregator partition into a dependency-free
 * C99 header and source whose results equal the engine's bit for bit. Other tiers and float
 * devices are refused with a CExportError.
 */
export function exportPartitionToC(bytes: Uint8Array, options: CExportOptions = {}): CExport {
  const artifact: PartitionArtifact = decodePartition(bytes);
  const { manifest } = artifact;
  const symbol = options.symbol ?? defaultSymbol(manifest);
  if (!SYMBOL.test(symbol)) {
    throw new CExportError(
      `symbol "${symbol}" is not a C identifier of at most 41 characters (letters, digits, _)`,
    );
  }
  const id: CSourceIdentity = {
    symbol,
    partitionSha256: sha256Hex(bytes),
    weightsSha256: manifest.weightsSha256,
    formatVersion: manifest.formatVersion,
    modelVersion: options.modelVersion ?? 'unknown',
  };
  if (manifest.tier === 'device') {
    const plan = deviceCPlan(readDeviceLayout(artifact));
    const { header, source } = deviceCSource(plan, id);
    return {
      tier: 'device',
      deviceIndex: manifest.deviceIndex,
      symbol,
      partitionSha256: id.partitionSha256,
      files: [header, source],
      staticRamBytes: deviceStaticRamBytes(plan),
      tableBytes: deviceTableBytes(plan),
    };
  }
  if (manifest.tier === 'local') {
    const local = localCSource(artifact, id);
    return {
      tier: 'local',
      deviceIndex: null,
      symbol,
      partitionSha256: id.partitionSha256,
      files: [local.header, local.source],
      staticRamBytes: 0,
      tableBytes: local.tableBytes,
    };
  }
  throw new CExportError(
    `the C export covers device partitions and the local aggregator; this partition is the ${manifest.tier} tier`,
  );
}
