import * as vscode from 'vscode';
import { HostMessage, WebviewMessage } from '../shared/panelMessage';
import type { ViewState } from '../shared/viewState';
import { DisposableStore } from './disposableStore';
import { localResourceRoots, webviewHtml } from './webviewHtml';

/** The view id of the panel (package.json `contributes.views.shipwright`). */
export const PIPELINE_VIEW_ID = 'shipwright.pipeline';

/**
 * The pipeline webview view. It sends a full snapshot after the webview says `ready` and on every change (a
 * hidden webview keeps only the newest message, so deltas would be lost), and hands each message it receives,
 * zod-parsed, to `onMessage`. A message that does not parse is dropped and logged: the webview is not trusted
 * to be the build that shipped with this host.
 */
export class PipelinePanel implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly store = new DisposableStore();
  private viewStore = new DisposableStore();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly snapshot: () => ViewState,
    onChange: vscode.Event<ViewState>,
    private readonly onMessage: (m: WebviewMessage) => void | Promise<void>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.store.add(onChange((s) => this.post(s)));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.viewStore.dispose();
    this.viewStore = new DisposableStore();
    this.view = view;
    this.ready = false;
    view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: localResourceRoots(this.extensionUri) };
    this.viewStore.add(view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    this.viewStore.add(
      view.onDidDispose(() => {
        this.view = undefined;
        this.ready = false;
      }),
    );
    view.webview.html = webviewHtml(view.webview, this.extensionUri);
  }

  /** Whether the panel is resolved and has said `ready` (tests wait for it). */
  get isReady(): boolean {
    return this.ready;
  }

  private receive(raw: unknown): void {
    const parsed = WebviewMessage.safeParse(raw);
    if (!parsed.success) {
      this.log.warn(`panel: dropped a message that does not parse: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      return;
    }
    if (parsed.data.type === 'ready') {
      this.ready = true;
      this.post(this.snapshot());
    }
    Promise.resolve(this.onMessage(parsed.data)).catch((e: unknown) => {
      const text = e instanceof Error ? e.message : String(e);
      this.log.error(`panel: ${parsed.data.type} failed: ${text}`);
      void vscode.window.showErrorMessage(`Shipwright: ${text}`);
    });
  }

  private post(state: ViewState): void {
    if (!this.view || !this.ready) return;
    const message: HostMessage = { type: 'snapshot', state };
    void this.view.webview.postMessage(message);
  }

  dispose(): void {
    this.viewStore.dispose();
    this.store.dispose();
  }
}
