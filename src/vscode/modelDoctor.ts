import * as vscode from 'vscode';
import type { ShipwrightConfig } from '../core/config/shipwrightConfig';
import type { PhaseId } from '../core/pipeline/phaseId';
import type { ApiKeyStore } from './apiKeyStore';
import { checkModelSetup, type ModelCheck } from './modelSetup';
import { readEffectiveConfig } from './readEffectiveConfig';
import type { RuledOut } from '../core/models/modelRouter';

/** What a run needs that cannot be reached, in words, with the roles it blocks. */
export interface Blocked {
  roles: string[];
  text: string;
}

/**
 * Keeps the last model check of the workspace's first folder (the one the panel's set-up section shows) and runs
 * new ones on request, on a configuration change and when the key changes. `onDidChange` fires at the start
 * (checking) and the end of every check.
 */
export class ModelDoctor implements vscode.Disposable {
  private last: ModelCheck | undefined;
  /**
   * Models the check of the last `blocked` call found unusable (undefined when it could not check), for that run's
   * router: `engine.run(ticket, { ruledOut })` never calls them, so no auth failure is logged per phase.
   */
  ruledOut: RuledOut | undefined;
  private running: Promise<ModelCheck | undefined> | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly keys: ApiKeyStore, private readonly openaiKeys?: ApiKeyStore) {}

  /** The newest check, if any. */
  get current(): ModelCheck | undefined {
    return this.last;
  }

  /** A check is under way. */
  get checking(): boolean {
    return this.running !== undefined;
  }

  /**
   * Checks the models of `folder` (default: the first workspace folder). Concurrent calls share one check.
   * Resolves undefined when there is no folder or the configuration cannot be read (the caller reports that).
   * @throws ConfigError when the folder's configuration is invalid
   */
  check(folder = vscode.workspace.workspaceFolders?.[0]): Promise<ModelCheck | undefined> {
    if (!folder) return Promise.resolve(undefined);
    if (this.running) return this.running;
    this.running = this.run(folder).finally(() => {
      this.running = undefined;
      this.emitter.fire();
    });
    this.emitter.fire();
    return this.running;
  }

  /**
   * Checks before a run: which of `route`'s phases (and the validator) have no model that can run now.
   * Resolves undefined when every one has a model.
   */
  async blocked(folder: vscode.WorkspaceFolder, route: readonly PhaseId[], forcedModelKey?: string): Promise<Blocked | undefined> {
    const check = await this.check(folder);
    this.ruledOut = check?.ruledOut;
    if (!check) return undefined;
    const roles = new Set<string>([...route, 'validation']);
    if (forcedModelKey) {
      const forced = check.choices.find((c) => c.key === forcedModelKey);
      if (forced?.unavailable) return { roles: [...roles], text: `${forcedModelKey} cannot run: ${forced.unavailable}.` };
    }
    const stuck = check.setup.phases.filter((p) => roles.has(p.phase) && p.modelKey === undefined && !(forcedModelKey && p.phase !== 'validation'));
    if (stuck.length === 0) return undefined;
    const o = check.setup.ollama;
    const reasons = [
      o.reachable ? (check.setup.notPulled.length ? `Ollama lacks ${check.setup.notPulled.join(', ')}` : '') : `Ollama is not answering at ${o.host} (${o.problem ?? 'no answer'})`,
      check.setup.anthropic.hasKey ? '' : 'no Anthropic API key is set',
    ].filter(Boolean);
    return { roles: stuck.map((p) => p.phase), text: `No model can run ${stuck.map((p) => p.phase).join(', ')}: ${reasons.join(', and ')}.` };
  }

  private async run(folder: vscode.WorkspaceFolder): Promise<ModelCheck | undefined> {
    const config: ShipwrightConfig = await readEffectiveConfig(folder);
    const setting = vscode.workspace.getConfiguration('shipwright', folder.uri).get<string>('ollamaHost') ?? '';
    this.last = await checkModelSetup(config, await this.keys.get(), { setting, env: process.env.OLLAMA_HOST || undefined }, 3_000, await this.openaiKeys?.get());
    return this.last;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
