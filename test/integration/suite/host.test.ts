import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

suite('the extension host', () => {
  test('is a real VS Code with one folder open', () => {
    assert.ok(vscode.version.startsWith('1.'), `VS Code version ${vscode.version}`);
    assert.equal(vscode.workspace.workspaceFolders?.length, 1);
  });
});
