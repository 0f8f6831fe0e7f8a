import * as vscode from 'vscode';
import { isOllamaCloudModel } from '../core/models/ollamaProvider';
import { modelLabel } from '../shared/modelLabel';
import type { ModelChoiceView } from '../shared/viewState';
import type { ModelDoctor } from './modelDoctor';
import { WORKSPACE_CONFIG_FILE } from './readEffectiveConfig';

/**
 * The fixes the set-up section offers in place: the Ollama host, a model to use where nothing else can run, the
 * pull command of a missing local model. Settings are written at the user level (a host and models belong to the
 * machine, and a user-level write leaves the repository clean); the model check runs again afterwards.
 */
export class SetupActions {
  constructor(private readonly doctor: ModelDoctor) {}

  /** Asks for Ollama's URL and stores it in `shipwright.ollamaHost`. Resolves with the URL, undefined when cancelled. */
  async setOllamaHost(): Promise<string | undefined> {
    const current = this.doctor.current?.setup.ollama;
    if (current?.hostFrom === 'file') {
      const open = 'Open the file';
      const pick = await vscode.window.showWarningMessage(`Shipwright: the Ollama host is set in ${WORKSPACE_CONFIG_FILE} ("${current.host}"), which wins over settings. Change it there.`, open);
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (pick === open && folder) await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, WORKSPACE_CONFIG_FILE));
      return undefined;
    }
    const value = await vscode.window.showInputBox({
      title: 'Shipwright: Ollama host',
      prompt: 'The URL where Ollama listens (ollama serve prints it). Stored in your user settings as shipwright.ollamaHost.',
      value: current?.host ?? 'http://127.0.0.1:11434',
      placeHolder: 'http://127.0.0.1:11434',
      ignoreFocusOut: true,
      validateInput: (v) => (validHost(v) ? undefined : 'A URL such as http://127.0.0.1:11434'),
    });
    if (value === undefined) return undefined;
    const host = value.trim();
    await vscode.workspace.getConfiguration('shipwright').update('ollamaHost', host, vscode.ConfigurationTarget.Global);
    await this.doctor.check().catch(() => undefined);
    return host;
  }

  /** Copies `ollama pull <model>` to the clipboard (the person runs it in a terminal). */
  async copyPullCommand(model: string): Promise<void> {
    const command = `ollama pull ${model}`;
    await vscode.env.clipboard.writeText(command);
    void vscode.window.showInformationMessage(`Shipwright: copied "${command}". Run it in a terminal, then Check Models again.`);
  }

  /**
   * Offers every model that can run now (the configuration's and any model Ollama has pulled) by name, provider
   * and price, and puts the chosen one first in the chain of every role that has no model able to run (a pulled
   * model that is not configured yet is added to `shipwright.models` as free and local).
   * Resolves with the chosen key, undefined when cancelled or nothing can run.
   */
  async pickModel(): Promise<string | undefined> {
    const check = (await this.doctor.check().catch(() => undefined)) ?? this.doctor.current;
    if (!check) return undefined;
    const configured = new Set(check.choices.filter((c) => c.provider === 'ollama').map((c) => c.model));
    const extra: ModelChoiceView[] = check.setup.ollama.pulled
      .filter((m) => !configured.has(m))
      .map((m) => ({ key: m, model: m, provider: 'ollama', local: !isOllamaCloudModel(m), inputUsdPerMTok: 0, outputUsdPerMTok: 0 }));
    const items = [...check.choices, ...extra].map((c) => ({
      label: c.key,
      description: modelLabel({ ...c, unavailable: undefined }).slice(c.key.length + 3),
      detail: c.unavailable ? `cannot run now: ${c.unavailable}` : undefined,
      choice: c,
    }));
    const usable = items.filter((i) => !i.choice.unavailable);
    if (usable.length === 0) {
      void vscode.window.showWarningMessage('Shipwright: no model can run now. Start Ollama (and set its host) or set an Anthropic API key first.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(usable, { title: 'Shipwright: use which model where nothing else can run?', ignoreFocusOut: true });
    if (!pick) return undefined;
    const cfg = vscode.workspace.getConfiguration('shipwright');
    if (extra.includes(pick.choice)) {
      const models = { ...(cfg.inspect<Record<string, unknown>>('models')?.globalValue ?? {}) };
      models[pick.choice.key] = { provider: 'ollama', model: pick.choice.model, price: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, source: 'local model: no per-token price', date: new Date().toISOString().slice(0, 7) } };
      await cfg.update('models', models, vscode.ConfigurationTarget.Global);
    }
    const chains = { ...(cfg.inspect<Record<string, string[]>>('chains')?.globalValue ?? {}) };
    for (const p of check.setup.phases) {
      if (p.modelKey !== undefined) continue;
      const skipped = p.skipped.map((s) => s.modelKey).filter((k) => k !== pick.choice.key);
      chains[p.phase] = [pick.choice.key, ...skipped];
    }
    await cfg.update('chains', chains, vscode.ConfigurationTarget.Global);
    await this.doctor.check().catch(() => undefined);
    return pick.choice.key;
  }
}

/** An http(s) URL, or host:port as OLLAMA_HOST allows. */
function validHost(v: string): boolean {
  const t = v.trim();
  if (t === '') return false;
  try {
    const u = new URL(/^[a-z]+:\/\//i.test(t) ? t : `http://${t}`);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}
