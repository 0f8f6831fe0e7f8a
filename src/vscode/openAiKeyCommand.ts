import * as vscode from 'vscode';
import type { ApiKeyStore } from './apiKeyStore';

/** The SecretStorage key of the OpenAI (or OpenAI-compatible server's) API key. */
export const OPENAI_SECRET_KEY = 'shipwright.openaiApiKey';

/** The command id (package.json `contributes.commands`). */
export const SET_OPENAI_KEY_COMMAND = 'shipwright.setOpenAiApiKey';

/**
 * Registers *Shipwright: Set OpenAI API Key*: the key for `openai` models without a key variable of their own
 * (OpenAI itself, a custom `baseUrl`), kept in SecretStorage only. OpenRouter entries read `OPENROUTER_API_KEY`
 * instead, and local runtimes need none.
 */
export function registerOpenAiKeyCommand(subscriptions: vscode.Disposable[], store: ApiKeyStore): void {
  subscriptions.push(
    vscode.commands.registerCommand(SET_OPENAI_KEY_COMMAND, async () => {
      const key = await vscode.window.showInputBox({
        title: 'Shipwright: OpenAI API key',
        prompt: 'For "provider": "openai" models. Stored in VS Code\'s secret storage only (never in settings or logs). Leave empty to delete it.',
        password: true,
        ignoreFocusOut: true,
      });
      if (key === undefined) return;
      await store.set(key);
      void vscode.window.showInformationMessage(key.trim() ? 'Shipwright: OpenAI API key stored.' : 'Shipwright: OpenAI API key deleted.');
    }),
  );
}
