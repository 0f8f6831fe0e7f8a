import type * as vscode from 'vscode';
import { ShipwrightEngine } from '../core/engine/shipwrightEngine';
import type { ApprovalPort } from '../core/ports/approvalPort';
import type { ApiKeyStore } from './apiKeyStore';
import type { FolderEngine } from './folderEngines';
import { readEffectiveConfig } from './readEffectiveConfig';

/**
 * Builds the real engine of a workspace folder: its effective configuration (defaults, settings,
 * `.shipwright/config.json`), the VS Code approvals, and the Anthropic and OpenAI keys from SecretStorage.
 * @throws ConfigError when the configuration is invalid; Error when the folder is not in a git repository
 */
export async function createEngine(folder: vscode.WorkspaceFolder, approvals: ApprovalPort, keys: ApiKeyStore, openaiKeys?: ApiKeyStore): Promise<FolderEngine> {
  const config = await readEffectiveConfig(folder);
  const engine = await ShipwrightEngine.create({ workspaceRoot: folder.uri.fsPath, config, approvals, anthropicApiKey: await keys.get(), openaiApiKey: await openaiKeys?.get() });
  return { engine, config };
}
