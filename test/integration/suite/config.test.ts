import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { readEffectiveConfig } from '../../../src/vscode/readEffectiveConfig';

suite('settings and .shipwright/config.json', () => {
  const folder = (): vscode.WorkspaceFolder => {
    const f = vscode.workspace.workspaceFolders?.[0];
    assert.ok(f, 'a folder is open');
    return f;
  };
  const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('shipwright', folder().uri);
  const file = (): string => join(folder().uri.fsPath, '.shipwright', 'config.json');

  teardown(async () => {
    for (const key of ['budgetUsd', 'attemptCap', 'chains', 'checkpoints']) await settings().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    rmSync(join(folder().uri.fsPath, '.shipwright'), { recursive: true, force: true });
  });

  test('settings a person set override the defaults; the workspace file overrides the settings', async () => {
    await settings().update('budgetUsd', 3, vscode.ConfigurationTarget.Workspace);
    await settings().update('attemptCap', 2, vscode.ConfigurationTarget.Workspace);
    await settings().update('chains', { review: ['sonnet'] }, vscode.ConfigurationTarget.Workspace);
    let config = await readEffectiveConfig(folder());
    assert.equal(config.budgetUsd, 3);
    assert.equal(config.attemptCap, 2);
    assert.deepEqual(config.chains.review, ['sonnet']);
    assert.deepEqual(config.chains.discovery, ['local-large', 'sonnet'], 'chains merge by role: the others keep their defaults');

    mkdirSync(join(folder().uri.fsPath, '.shipwright'), { recursive: true });
    writeFileSync(file(), JSON.stringify({ budgetUsd: 7, checkpoints: ['techSpec'] }));
    config = await readEffectiveConfig(folder());
    assert.equal(config.budgetUsd, 7, 'the workspace file wins');
    assert.equal(config.attemptCap, 2, 'a setting the file does not name still applies');
    assert.deepEqual(config.checkpoints, ['techSpec']);
  });

  test('an invalid workspace file is refused with its name and the field at fault', async () => {
    mkdirSync(join(folder().uri.fsPath, '.shipwright'), { recursive: true });
    writeFileSync(file(), JSON.stringify({ budgetUsd: -1 }));
    await assert.rejects(readEffectiveConfig(folder()), (e: Error) => e.name === 'ConfigError' && /config\.json/.test(e.message) && /budgetUsd/.test(e.message));
    writeFileSync(file(), '{ not json');
    await assert.rejects(readEffectiveConfig(folder()), /not valid JSON/);
  });
});
