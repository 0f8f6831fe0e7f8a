import type * as vscode from 'vscode';

/**
 * Holds disposables from the moment they are made (vscode-pull-request-github's `lifecycle.ts` pattern), so a
 * listener can never be left behind when its owner goes away. Disposing disposes every item, newest first.
 */
export class DisposableStore implements vscode.Disposable {
  private items: vscode.Disposable[] = [];
  private disposed = false;

  /** Registers `d` and returns it. A store already disposed disposes `d` at once. */
  add<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.items.push(d);
    return d;
  }

  dispose(): void {
    this.disposed = true;
    for (const d of this.items.reverse()) d.dispose();
    this.items = [];
  }
}
