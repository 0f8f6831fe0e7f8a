import type * as vscode from 'vscode';

/** The SecretStorage key of the Anthropic API key. */
const SECRET_KEY = 'shipwright.anthropicApiKey';

/**
 * The Anthropic API key, kept in VS Code's SecretStorage (the OS keychain on desktop) and nowhere else: never in
 * settings, logs or the webview. Falls back to the `ANTHROPIC_API_KEY` environment variable of the extension host.
 */
export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** The key, or undefined when none is stored and the environment has none. */
  async get(): Promise<string | undefined> {
    return (await this.secrets.get(SECRET_KEY)) ?? (process.env.ANTHROPIC_API_KEY || undefined);
  }

  /** Stores the key (trimmed); an empty value deletes it. */
  async set(key: string): Promise<void> {
    const k = key.trim();
    if (k === '') await this.secrets.delete(SECRET_KEY);
    else await this.secrets.store(SECRET_KEY, k);
  }

  /** Fires when the stored key changes (also from another window). */
  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key === SECRET_KEY) listener();
    });
  }
}
