import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Ticket } from '../../../src/core/ticket/ticket';
import { shipwright } from '../suite/shipwrightApi';

suite('an untrusted workspace', () => {
  test('Shipwright still loads (limited support), runs no ticket, and the panel says why', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the harness opened the folder untrusted');
    const api = await shipwright();
    const ticket: Ticket = { id: 'add-subtract', kind: 'feature', title: 'Add subtract', body: 'Add subtract(a, b).', acceptanceCriteria: [], dependsOn: [], source: 'test' };
    const result = await vscode.commands.executeCommand('shipwright.runTicket', ticket);
    assert.equal(result, undefined, 'no run');
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    assert.equal(existsSync(join(folder.uri.fsPath, '.git', 'shipwright')), false, 'nothing was written to the repository');
    assert.equal(api.board.snapshot.trusted, false, 'the panel shows the untrusted notice');
  });
});
