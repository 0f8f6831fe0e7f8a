import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ShipwrightExtensionApi } from '../../../src/vscode/extension';
import { shipwright } from './shipwrightApi';

suite('activation', () => {
  test('is lazy, and the first command activates it and registers every command of the palette', async () => {
    const ext = vscode.extensions.getExtension<ShipwrightExtensionApi>('shipwright.shipwright');
    assert.ok(ext);
    assert.equal(ext.isActive, false, 'nothing activates Shipwright before a command or its view is used');
    const started = performance.now();
    await vscode.commands.executeCommand('shipwright.openRunLog');
    const firstCommandMs = performance.now() - started;
    assert.equal(ext.isActive, true);
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['runTicket', 'runTicketFromFile', 'cancel', 'resume', 'showPipeline', 'dryRun', 'setApiKey', 'openRunLog', 'approveFile', 'rejectFile', 'approveAll']) {
      assert.ok(commands.includes(`shipwright.${id}`), `shipwright.${id} is registered`);
    }
    // Read by runInHostMain and reported; not asserted (no timing assertions in tests).
    console.log(`SHIPWRIGHT_METRIC activation: activate() ${ext.exports.activationMs.toFixed(1)} ms; first command incl. loading the bundle ${firstCommandMs.toFixed(1)} ms`);
  });

  test('the pipeline view opens and its webview says ready', async () => {
    const api = await shipwright();
    await vscode.commands.executeCommand('shipwright.showPipeline');
    for (let i = 0; i < 100 && !api.panel.isReady; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(api.panel.isReady, 'the panel loaded its script under the CSP and posted ready');
    assert.equal(api.board.snapshot.trusted, true);
  });
});
