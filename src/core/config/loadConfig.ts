import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { applyOpenAiPresets } from '../models/openaiPresets';
import { defaultConfig } from './defaultConfig';
import { ShipwrightConfig, type ShipwrightConfigInput } from './shipwrightConfig';

/** A config that could not be read or did not pass the schema; `file` names where, when it came from a file. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(message: string, readonly file?: string) {
    super(file ? `${file}: ${message}` : message);
  }
}

/** A partial config as a person writes it (JSON file or VS Code settings): anything left out keeps its default. */
export type ConfigOverrides = Partial<Omit<ShipwrightConfigInput, 'models' | 'chains'>> & {
  models?: Record<string, unknown>;
  chains?: Record<string, string[]>;
};

/**
 * Merges layers over the built-in defaults, later layers winning: `models` and `chains` by key (a layer may
 * add a model or replace one phase's chain without restating the rest), everything else by top-level key.
 * @throws ConfigError naming each field that fails the schema
 */
export function resolveConfig(layers: readonly ConfigOverrides[], source?: string): ShipwrightConfig {
  let merged: Record<string, unknown> = { ...defaultConfig, models: { ...defaultConfig.models }, chains: { ...defaultConfig.chains } };
  for (const layer of layers) {
    merged = {
      ...merged,
      ...layer,
      models: { ...(merged.models as object), ...(layer.models ?? {}) },
      chains: { ...(merged.chains as object), ...(layer.chains ?? {}) },
      spendLimits: stricterSpendLimits(merged.spendLimits, layer.spendLimits),
    };
  }
  // A preset fills the fields its entry left out before the schema names any as missing.
  merged.models = applyOpenAiPresets(merged.models as Record<string, unknown>);
  const r = ShipwrightConfig.safeParse(merged);
  if (!r.success) throw new ConfigError(`invalid config:\n${z.prettifyError(r.error)}`, source);
  return r.data;
}

/**
 * Spend limits across tickets protect the user, so a later layer (a repository's `.shipwright/config.json`) may
 * lower `dailyUsd`/`monthlyUsd` but never raise or remove one an earlier layer (the user's settings) set; the
 * other fields merge key by key. Values are checked by the schema afterwards.
 */
function stricterSpendLimits(before: unknown, layer: unknown): unknown {
  if (typeof layer !== 'object' || layer === null) return before;
  if (typeof before !== 'object' || before === null) return layer;
  const a = before as Record<string, unknown>; // both are plain JSON objects here (checked just above)
  const b = layer as Record<string, unknown>;
  const lower = (k: string) => (typeof a[k] === 'number' && !(typeof b[k] === 'number' && b[k] < a[k]) ? a[k] : b[k]);
  return { ...a, ...b, dailyUsd: lower('dailyUsd'), monthlyUsd: lower('monthlyUsd') };
}

/**
 * The engine config of a workspace: defaults, then `<workspace>/.shipwright/config.json` when it exists, then
 * `file` when given (e.g. `--config`).
 * @throws ConfigError when a file is unreadable, not JSON, or fails the schema
 */
export async function loadConfig(opts: { workspaceRoot: string; file?: string; extra?: ConfigOverrides }): Promise<ShipwrightConfig> {
  const layers: ConfigOverrides[] = [];
  const workspaceFile = path.join(opts.workspaceRoot, '.shipwright', 'config.json');
  const ws = await readJson(workspaceFile, false);
  if (ws) layers.push(ws);
  if (opts.file) layers.push((await readJson(path.resolve(opts.file), true)) ?? {});
  if (opts.extra) layers.push(opts.extra);
  return resolveConfig(layers, opts.file ?? (ws ? workspaceFile : undefined));
}

async function readJson(file: string, required: boolean): Promise<ConfigOverrides | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if (!required && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read: ${(e as Error).message}`, file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`not valid JSON: ${(e as Error).message}`, file);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError('must be a JSON object', file);
  return json as ConfigOverrides; // checked as a whole by resolveConfig's schema parse
}
