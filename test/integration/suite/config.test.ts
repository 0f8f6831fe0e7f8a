import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { defaultConfig } from '../../../src/core/config/defaultConfig';
import { resolveConfig } from '../../../src/core/config/loadConfig';
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
    for (const key of ['budgetUsd', 'attemptCap', 'chains', 'checkpoints', 'codeContextTokens', 'worktree.dependencies', 'worktree.mergeDeliverables', 'modelValidation.planning', 'modelValidation.review']) await settings().update(key, undefined, vscode.ConfigurationTarget.Workspace);
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

  test('the Settings UI shows every setting with its default, the engine\'s own, in the order people change them', () => {
    const engine = resolveConfig([]);
    const expected: Record<string, unknown> = {
      ollamaHost: '', budgetUsd: engine.budgetUsd, chains: engine.chains, testCommand: '', checkpoints: engine.checkpoints,
      'worktree.dependencies': engine.worktree.dependencies, attemptCap: engine.attemptCap,
      'worktree.mergeDeliverables': engine.worktree.mergeDeliverables, codeContextTokens: engine.codeContextTokens,
      'modelValidation.planning': engine.modelValidation.planning, 'modelValidation.review': engine.modelValidation.review,
    };
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(settings().inspect(key)?.defaultValue, value, `shipwright.${key} shows the engine's default`);
    // The manifest as VS Code read it: its order and the words the Settings UI shows.
    const manifest = vscode.extensions.all.find((e) => e.packageJSON?.name === 'shipwright')?.packageJSON as { contributes: { configuration: { properties: Record<string, { order?: number; markdownDescription?: string; description?: string }> } } } | undefined; // packageJSON is untyped
    assert.ok(manifest, 'the extension is loaded');
    const props = manifest.contributes.configuration.properties;
    const byOrder = Object.keys(props).sort((a, b) => (props[a].order ?? 99) - (props[b].order ?? 99)).map((k) => k.replace('shipwright.', ''));
    assert.deepEqual(byOrder.slice(0, 7), ['ollamaHost', 'budgetUsd', 'chains', 'testCommand', 'checkpoints', 'models', 'worktree.dependencies']);
    assert.ok(byOrder.indexOf('anthropicBaseUrl') > byOrder.indexOf('attemptCap') && byOrder.indexOf('otlpEndpoint') === byOrder.length - 1);
    const text = (k: string): string => props[`shipwright.${k}`].markdownDescription ?? props[`shipwright.${k}`].description ?? '';
    // Every default chain is named in words, as its keys in order, and every built-in model by its provider id.
    for (const chain of new Set(Object.values(defaultConfig.chains).map((c) => c.map((m) => `\`${m}\``).join(' → ')))) assert.ok(text('chains').includes(chain), `chains names ${chain}`);
    for (const [key, m] of Object.entries(defaultConfig.models)) assert.ok(text('models').includes(`\`${key}\``) && text('models').includes(`\`${m.model}\``), `models names ${key} (${m.model})`);
    assert.match(text('budgetUsd'), /default \$5/);
    assert.match(text('attemptCap'), /default 3/);
  });

  test('worktree and code-context settings reach the engine; the file\'s worktree keys win one by one', async () => {
    await settings().update('worktree.dependencies', 'link', vscode.ConfigurationTarget.Workspace);
    await settings().update('worktree.mergeDeliverables', true, vscode.ConfigurationTarget.Workspace);
    await settings().update('codeContextTokens', 6000, vscode.ConfigurationTarget.Workspace);
    let config = await readEffectiveConfig(folder());
    assert.equal(config.worktree.dependencies, 'link');
    assert.equal(config.worktree.mergeDeliverables, true);
    assert.equal(config.codeContextTokens, 6000);
    assert.deepEqual(config.worktree.copy, ['.env'], 'the worktree keys not set keep their defaults');

    mkdirSync(join(folder().uri.fsPath, '.shipwright'), { recursive: true });
    writeFileSync(file(), JSON.stringify({ worktree: { dependencies: 'none', copy: ['.env.local'] } }));
    config = await readEffectiveConfig(folder());
    assert.equal(config.worktree.dependencies, 'none', 'the file wins');
    assert.deepEqual(config.worktree.copy, ['.env.local']);
    assert.equal(config.worktree.mergeDeliverables, true, 'a worktree setting the file does not name still applies');
  });

  test('which deliverables a validator model reads is a setting; the file\'s keys win one by one', async () => {
    assert.deepEqual((await readEffectiveConfig(folder())).modelValidation, { planning: 'never', review: 'on-request-changes' });
    await settings().update('modelValidation.planning', 'always', vscode.ConfigurationTarget.Workspace);
    await settings().update('modelValidation.review', 'always', vscode.ConfigurationTarget.Workspace);
    assert.deepEqual((await readEffectiveConfig(folder())).modelValidation, { planning: 'always', review: 'always' });
    mkdirSync(join(folder().uri.fsPath, '.shipwright'), { recursive: true });
    writeFileSync(file(), JSON.stringify({ modelValidation: { review: 'on-request-changes' } }));
    assert.deepEqual((await readEffectiveConfig(folder())).modelValidation, { planning: 'always', review: 'on-request-changes' });
    writeFileSync(file(), JSON.stringify({ modelValidation: { planning: 'sometimes' } }));
    await assert.rejects(readEffectiveConfig(folder()), (e: Error) => e.name === 'ConfigError' && /modelValidation/.test(e.message));
  });
});
