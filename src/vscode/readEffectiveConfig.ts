import * as vscode from 'vscode';
import type { ShipwrightConfig } from '../core/config/shipwrightConfig';
import { mergeConfigLayers, parseConfigFile, type ConfigLayer } from './configLayers';

/**
 * Settings under `shipwright.*` that mirror a key of the engine config (package.json `contributes.configuration`).
 * The Anthropic key is deliberately not among them: it lives in SecretStorage only.
 */
export const SETTING_KEYS = ['models', 'chains', 'budgetUsd', 'attemptCap', 'testCommand', 'checkpoints', 'ollamaHost', 'anthropicBaseUrl'] as const;

/** Path of the workspace configuration file, relative to a workspace folder. */
export const WORKSPACE_CONFIG_FILE = '.shipwright/config.json';

/**
 * The engine configuration for one workspace folder: defaults, then the `shipwright.*` settings a person set
 * (user, workspace or folder level; unset settings do not override), then `<folder>/.shipwright/config.json`,
 * which wins. @throws ConfigError when a layer is not valid JSON or the merge fails the engine's schema
 */
export async function readEffectiveConfig(folder: vscode.WorkspaceFolder): Promise<ShipwrightConfig> {
  const settings = vscode.workspace.getConfiguration('shipwright', folder.uri);
  const values: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const i = settings.inspect(key);
    const set = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    if (set !== undefined && set !== null && set !== '') values[key] = set;
  }
  const layers: ConfigLayer[] = [{ source: 'settings', values }];
  const file = vscode.Uri.joinPath(folder.uri, WORKSPACE_CONFIG_FILE);
  let text: string | undefined;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  } catch {
    text = undefined; // no workspace file: settings and defaults only
  }
  if (text !== undefined) layers.push(parseConfigFile(text, WORKSPACE_CONFIG_FILE));
  return mergeConfigLayers(layers);
}
