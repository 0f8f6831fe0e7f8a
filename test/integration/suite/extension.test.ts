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

suite('activation', () => {
  test('is lazy and registers every command of the palette', async () => {
    const ext = vscode.extensions.getExtension('shipwright.shipwright');
    assert.ok(ext);
    assert.equal(ext.isActive, false, 'nothing activates Shipwright before a command or its view is used');
    const api = await shipwright();
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['runTicket', 'runTicketFromFile', 'cancel', 'resume', 'showPipeline', 'dryRun', 'setApiKey', 'openRunLog', 'approveFile', 'rejectFile', 'approveAll']) {
      assert.ok(commands.includes(`shipwright.${id}`), `shipwright.${id} is registered`);
    }
    assert.ok(api.activationMs >= 0);
    console.log(`activation took ${api.activationMs.toFixed(1)} ms`);
  });
});
