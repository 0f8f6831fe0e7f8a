/** The webview side of VS Code's message channel (injected by VS Code into every webview). */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The API object; VS Code allows acquiring it once per page. */
export const vscodeApi: VsCodeApi = acquireVsCodeApi();
