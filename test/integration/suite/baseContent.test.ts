import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { scratchRepo } from './scratchRepo';
import { baseUri } from '../../../src/vscode/baseContentProvider';
import { shipwright } from './shipwrightApi';

suite('base side of a diff (shipwright-base: documents)', () => {
  test('serves the file as it was at the base commit, not as it is now; an added file\'s base is empty', async () => {
    await shipwright();
    const repo = scratchRepo({ 'src/calculator.js': 'function add(a, b) {\n  return a + b;\n}\n' });
    try {
      const base = repo.git('rev-parse', 'HEAD').trim();
      writeFileSync(join(repo.dir, 'src', 'calculator.js'), '// rewritten\n');
      repo.git('commit', '-q', '-am', 'rewrite');
      const doc = await vscode.workspace.openTextDocument(baseUri(repo.dir, base, 'src/calculator.js'));
      assert.match(doc.getText(), /function add/);
      const empty = await vscode.workspace.openTextDocument(baseUri(repo.dir, '', 'src/new.js'));
      assert.equal(empty.getText(), '');
    } finally {
      repo.cleanup();
    }
  });

  test('refuses a ref that is not a commit id (no git options through a crafted URI)', async () => {
    await shipwright();
    const uri = vscode.Uri.from({ scheme: 'shipwright-base', path: '/x', query: JSON.stringify({ repo: '/tmp', ref: '--output=/tmp/pwned' }) });
    await assert.rejects(Promise.resolve(vscode.workspace.openTextDocument(uri)));
  });
});
