import type * as vscode from 'vscode';

/** The SecretStorage key of the Anthropic API key. */
const SECRET_KEY = 'shipwright.anthropicApiKey';

/**
 * An API key (by default Anthropic's), kept in VS Code's SecretStorage (the OS keychain on desktop) and nowhere
 * else: never in settings, logs or the webview. Falls back to an environment variable of the extension host
 * (`ANTHROPIC_API_KEY` by default; the OpenAI key store uses `shipwright.openaiApiKey` and `OPENAI_API_KEY`).
 */
export class ApiKeyStore {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly secretKey = SECRET_KEY,
    private readonly envVar = 'ANTHROPIC_API_KEY',
  ) {}

  /** The key, or undefined when none is stored and the environment has none. */
  async get(): Promise<string | undefined> {
    return (await this.secrets.get(this.secretKey)) ?? (process.env[this.envVar] || undefined);
  }

  /** Stores the key (trimmed); an empty value deletes it. */
  async set(key: string): Promise<void> {
    const k = key.trim();
    if (k === '') await this.secrets.delete(this.secretKey);
    else await this.secrets.store(this.secretKey, k);
  }

  /** Fires when the stored key changes (also from another window). */
  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key === this.secretKey) listener();
    });
  }
}
