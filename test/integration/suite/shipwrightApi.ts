import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ShipwrightExtensionApi } from '../../../src/vscode/extension';

/** The extension under test, activated through one of its own commands (activation is lazy). */
export async function shipwright(): Promise<ShipwrightExtensionApi> {
  const ext = vscode.extensions.getExtension<ShipwrightExtensionApi>('shipwright.shipwright');
  assert.ok(ext, 'the extension is loaded');
  if (!ext.isActive) await vscode.commands.executeCommand('shipwright.showPipeline');
  return ext.activate();
}
