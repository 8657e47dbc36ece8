import type { DdnnConfig } from './ddnn-config';
import { PAPER_MVMC_CONFIG } from './presets';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A partial DDNN config filled in from `base` (the paper's MVMC config by default), so that
 * `{"numDevices": 4, "cloud": {"filters": 32}}` means "the paper's model with 4 devices and 32
 * cloud filters". Objects merge field by field (device, cloud, and edge when the base has one);
 * everything else, arrays included, replaces the base's value. The result is not validated:
 * parseDdnnConfig reports every problem of it, as for a complete config. A value that is not an
 * object is returned as it is, for parseDdnnConfig to refuse.
 */
export function withConfigDefaults(
  partial: unknown,
  base: DdnnConfig = PAPER_MVMC_CONFIG,
): unknown {
  if (!isObject(partial)) return partial;
  const merged: JsonObject = { ...(base as unknown as JsonObject) };
  for (const [key, value] of Object.entries(partial)) {
    const current = merged[key];
    merged[key] = isObject(current) && isObject(value) ? { ...current, ...value } : value;
  }
  return merged;
}
