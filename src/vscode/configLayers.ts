import { z } from 'zod';
import { defaultConfig } from '../core/config/defaultConfig';
import { ShipwrightConfig, type ShipwrightConfigInput } from '../core/config/shipwrightConfig';

/** A partial configuration from one source: VS Code settings or `.shipwright/config.json`. Untrusted JSON. */
export type ConfigLayer = { source: string; values: Record<string, unknown> };

/** Keys whose values are objects merged key by key (a layer adds a model without repeating the others). */
const MERGED_KEYS = new Set(['models', 'chains', 'retry', 'worktree']);

/** A configuration that does not pass the engine's schema; `source` names the layers involved. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly source: string, readonly issues: string[]) {
    super(`Shipwright configuration (${source}) is invalid: ${issues.join('; ')}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The engine configuration from the built-in defaults and `layers`, later layers winning (callers pass settings
 * first, then the workspace `.shipwright/config.json`). `models`, `chains`, `retry` and `worktree` merge key by
 * key; every other key is replaced whole. The result is checked by the core's zod schema (`ShipwrightConfig`),
 * which also fills the remaining defaults.
 * @throws ConfigError naming the layers and the zod issues (`path: message`)
 */
export function mergeConfigLayers(layers: readonly ConfigLayer[]): ShipwrightConfig {
  const merged: Record<string, unknown> = { ...(defaultConfig satisfies ShipwrightConfigInput) };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.values)) {
      if (value === undefined) continue;
      const before = merged[key];
      merged[key] = MERGED_KEYS.has(key) && isObject(before) && isObject(value) ? { ...before, ...value } : value;
    }
  }
  const parsed = ShipwrightConfig.safeParse(merged);
  if (parsed.success) return parsed.data;
  const source = ['defaults', ...layers.map((l) => l.source)].join(' + ');
  throw new ConfigError(source, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
}

/**
 * Parses the text of `.shipwright/config.json` into a layer. Only checks that it is a JSON object; the merged
 * result is checked as a whole by `mergeConfigLayers`.
 * @throws ConfigError when the text is not JSON or not an object
 */
export function parseConfigFile(text: string, source: string): ConfigLayer {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(source, [`not JSON: ${(e as Error).message}`]);
  }
  const obj = z.record(z.string(), z.unknown()).safeParse(value);
  if (!obj.success) throw new ConfigError(source, ['must be a JSON object']);
  return { source, values: obj.data };
}
