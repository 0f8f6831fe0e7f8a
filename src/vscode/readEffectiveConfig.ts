import * as vscode from 'vscode';
import { ConfigError, resolveConfig, type ConfigOverrides } from '../core/config/loadConfig';
import type { ShipwrightConfig } from '../core/config/shipwrightConfig';

/**
 * Settings under `shipwright.*` that mirror a key of the engine config (package.json `contributes.configuration`).
 * The Anthropic key is deliberately not among them: it lives in SecretStorage only.
 */
export const SETTING_KEYS = ['models', 'chains', 'budgetUsd', 'attemptCap', 'testCommand', 'checkpoints', 'ollamaHost', 'anthropicBaseUrl', 'spendLimits', 'codeContextTokens'] as const;

/** Settings `shipwright.worktree.<key>` that mirror a key of the engine config's `worktree` object. */
export const WORKTREE_SETTING_KEYS = ['dependencies', 'mergeDeliverables'] as const;

/** Settings `shipwright.modelValidation.<key>` that mirror a key of the engine config's `modelValidation` object. */
export const MODEL_VALIDATION_SETTING_KEYS = ['planning', 'review'] as const;

/** Path of the workspace configuration file, relative to a workspace folder. */
export const WORKSPACE_CONFIG_FILE = '.shipwright/config.json';

/**
 * The engine configuration for one workspace folder, merged by the core's `resolveConfig` (models and chains key
 * by key, the rest by top-level key, checked by the engine's zod schema; `worktree` and `modelValidation` key by
 * key between the settings and the file, see below): defaults, then the `shipwright.*`
 * settings a person set (user, workspace or folder level; settings left at their default do not override), then
 * `<folder>/.shipwright/config.json`, which wins.
 * @throws ConfigError when the file is not a JSON object or the merge fails the engine's schema
 */
export async function readEffectiveConfig(folder: vscode.WorkspaceFolder): Promise<ShipwrightConfig> {
  const settings = vscode.workspace.getConfiguration('shipwright', folder.uri);
  const fromSettings: Record<string, unknown> = {};
  const setValue = (key: string): unknown => {
    const i = settings.inspect(key);
    const set = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    return set === null || set === '' ? undefined : set;
  };
  for (const key of SETTING_KEYS) {
    const set = setValue(key);
    if (set !== undefined) fromSettings[key] = set;
  }
  const worktree = Object.fromEntries(WORKTREE_SETTING_KEYS.map((k) => [k, setValue(`worktree.${k}`)]).filter(([, v]) => v !== undefined));
  if (Object.keys(worktree).length > 0) fromSettings.worktree = worktree;
  const modelValidation = Object.fromEntries(MODEL_VALIDATION_SETTING_KEYS.map((k) => [k, setValue(`modelValidation.${k}`)]).filter(([, v]) => v !== undefined));
  if (Object.keys(modelValidation).length > 0) fromSettings.modelValidation = modelValidation;
  // Both layers are untyped JSON here; resolveConfig checks the merged whole against the schema.
  const layers = [fromSettings as ConfigOverrides];
  const file = vscode.Uri.joinPath(folder.uri, WORKSPACE_CONFIG_FILE);
  const bytes = await vscode.workspace.fs.readFile(file).then((b) => b, () => undefined); // no file: settings only
  if (bytes) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new ConfigError(`not valid JSON: ${e instanceof Error ? e.message : String(e)}`, WORKSPACE_CONFIG_FILE);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError('must be a JSON object', WORKSPACE_CONFIG_FILE);
    const layer = json as ConfigOverrides & { worktree?: unknown; modelValidation?: unknown }; // untyped JSON, checked by resolveConfig below
    // The file's `worktree` and `modelValidation` keys win one by one; a setting it does not name still applies.
    if (fromSettings.worktree && typeof layer.worktree === 'object' && layer.worktree !== null) layer.worktree = { ...worktree, ...layer.worktree };
    if (fromSettings.modelValidation && typeof layer.modelValidation === 'object' && layer.modelValidation !== null) layer.modelValidation = { ...modelValidation, ...layer.modelValidation };
    layers.push(layer);
  }
  return resolveConfig(layers, bytes ? `settings + ${WORKSPACE_CONFIG_FILE}` : 'settings');
}
