import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileEdit } from '../../src/core/deliverables/fileEdits';
import { applyEdits } from '../../src/core/workspace/applyEdits';
import { confinePath } from '../../src/core/workspace/confinePath';
import { makeFixtureRepo, snapshotCheckout, type FixtureRepo } from '../fixtures/fixtureRepo';

suite('applyEdits', () => {
  let repo: FixtureRepo;
  setup(() => {
    repo = makeFixtureRepo();
  });
  teardown(() => repo.cleanup());

  const good: FileEdit = { kind: 'write', path: 'src/new.js', content: 'ok\n' };

  for (const [name, edit] of [
    ['a `..` escape', { kind: 'write', path: '../x', content: 'owned' }],
    ['a `..` in the middle', { kind: 'write', path: 'src/../../x', content: 'owned' }],
    ['an absolute path', { kind: 'write', path: '/etc/passwd', content: 'owned' }],
    ['a git hook', { kind: 'write', path: '.git/hooks/pre-commit', content: '#!/bin/sh\nrm -rf ~\n' }],
    ['.git in another case', { kind: 'write', path: '.GIT/config', content: 'owned' }],
    ['a nested .git', { kind: 'write', path: 'vendor/lib/.git/config', content: 'owned' }],
    ['VS Code settings', { kind: 'write', path: '.vscode/settings.json', content: '{}' }],
    ['VS Code tasks via replace', { kind: 'replace', path: '.vscode/tasks.json', search: 'a', replace: 'b' }],
    ['Shipwright config', { kind: 'write', path: '.shipwright/config.json', content: '{}' }],
    ['husky hooks', { kind: 'write', path: '.husky/pre-commit', content: 'x' }],
    ['a NUL byte', { kind: 'write', path: 'src/a\0b.js', content: 'x' }],
    ['a delete of .git', { kind: 'delete', path: '.git' }],
  ] satisfies [string, FileEdit][]) {
    test(`refuses ${name} and writes nothing of the batch`, async () => {
      const before = snapshotCheckout(repo.dir);
      const r = await applyEdits(repo.dir, [good, edit]);
      assert.equal(r.ok, false);
      assert.equal(r.objections.length, 1);
      assert.equal(r.objections[0].source, 'edit');
      assert.equal(r.objections[0].where, edit.path);
      assert.deepEqual(r.written, []);
      assert.equal(existsSync(join(repo.dir, 'src/new.js')), false);
      assert.deepEqual(snapshotCheckout(repo.dir), before);
      assert.equal(existsSync(join(repo.tmp, 'x')), false);
    });
  }

  test('refuses writes through a symlink that points outside the worktree', async () => {
    mkdirSync(join(repo.tmp, 'outside'));
    symlinkSync(join(repo.tmp, 'outside'), join(repo.dir, 'escape'));
    writeFileSync(join(repo.tmp, 'outside', 'target.txt'), 'original');
    symlinkSync(join(repo.tmp, 'outside', 'target.txt'), join(repo.dir, 'link.txt'));
    symlinkSync(join(repo.tmp, 'outside', 'not-yet.txt'), join(repo.dir, 'dangling.txt'));
    symlinkSync(join(repo.dir, '.git'), join(repo.dir, 'innocent'));
    for (const [path, why] of [
      ['escape/evil.js', /outside the worktree/],
      ['link.txt', /outside the worktree/],
      ['dangling.txt', /symlink that points nowhere/],
      ['innocent/hooks/pre-commit', /inside \.git/],
    ] as const) {
      const r = await applyEdits(repo.dir, [{ kind: 'write', path, content: 'owned' }]);
      assert.equal(r.ok, false, path);
      assert.match(r.objections[0].message, why, path);
    }
    assert.equal(existsSync(join(repo.tmp, 'outside', 'evil.js')), false);
    assert.equal(existsSync(join(repo.tmp, 'outside', 'not-yet.txt')), false);
    assert.equal(readFileSync(join(repo.tmp, 'outside', 'target.txt'), 'utf8'), 'original');
    assert.equal(existsSync(join(repo.dir, '.git/hooks/pre-commit')), false);
  });

  test('a symlink that stays inside the worktree is followed', async () => {
    symlinkSync(join(repo.dir, 'src'), join(repo.dir, 'lib'));
    const confined = await confinePath(repo.dir, 'lib/extra.js');
    assert.deepEqual(confined, { ok: true, absolute: join(repo.dir, 'src/extra.js'), relative: 'src/extra.js' });
  });

  test('writes whole files with their parent folders, replaces and deletes', async () => {
    const r = await applyEdits(repo.dir, [
      { kind: 'write', path: 'src/deep/nested/util.js', content: 'exports.x = 1;\n' },
      { kind: 'replace', path: 'src/calculator.js', search: 'return a + b;', replace: 'return a + b; // sum' },
      { kind: 'replace', path: 'src/calculator.js', search: 'module.exports = { add };', replace: 'module.exports = { add, sub };' },
      { kind: 'delete', path: 'README.md' },
    ]);
    assert.deepEqual(r.objections, []);
    assert.equal(readFileSync(join(repo.dir, 'src/deep/nested/util.js'), 'utf8'), 'exports.x = 1;\n');
    const calc = readFileSync(join(repo.dir, 'src/calculator.js'), 'utf8');
    assert.match(calc, /return a \+ b; \/\/ sum/);
    assert.match(calc, /\{ add, sub \}/);
    assert.deepEqual(r.written.sort(), ['src/calculator.js', 'src/deep/nested/util.js']);
    assert.deepEqual(r.deleted, ['README.md']);
    assert.equal(existsSync(join(repo.dir, 'README.md')), false);
  });

  test('a search block with wrong trailing spaces still matches once', async () => {
    const r = await applyEdits(repo.dir, [{ kind: 'replace', path: 'src/calculator.js', search: 'function add(a, b) {   \n  return a + b;  \n', replace: 'function add(a, b) {\n  return b + a;\n' }]);
    assert.deepEqual(r.objections, []);
    assert.match(readFileSync(join(repo.dir, 'src/calculator.js'), 'utf8'), /return b \+ a;\n\}/);
  });

  test('a search block that matches nothing shows the closest lines, and nothing is written', async () => {
    const before = readFileSync(join(repo.dir, 'src/calculator.js'), 'utf8');
    const r = await applyEdits(repo.dir, [
      good,
      { kind: 'replace', path: 'src/calculator.js', search: 'function add(x, y) {\n  return x + y;\n}', replace: 'nope' },
    ]);
    assert.equal(r.ok, false);
    const msg = r.objections[0].message;
    assert.match(msg, /matches nothing/);
    assert.match(msg, /from line 4/);
    assert.match(msg, /4 \| function add\(a, b\) \{/);
    assert.match(msg, /5 \|   return a \+ b;/);
    assert.equal(readFileSync(join(repo.dir, 'src/calculator.js'), 'utf8'), before);
    assert.equal(existsSync(join(repo.dir, 'src/new.js')), false);
  });

  test('an ambiguous search block and a replace in a missing file are objections', async () => {
    writeFileSync(join(repo.dir, 'twice.js'), 'x();\nx();\n');
    const r = await applyEdits(repo.dir, [
      { kind: 'replace', path: 'twice.js', search: 'x();', replace: 'y();' },
      { kind: 'replace', path: 'missing.js', search: 'a', replace: 'b' },
      { kind: 'delete', path: 'missing.js' },
    ]);
    assert.equal(r.objections.length, 3);
    assert.match(r.objections[0].message, /matches 2 places/);
    assert.match(r.objections[1].message, /no such file/);
    assert.equal(readFileSync(join(repo.dir, 'twice.js'), 'utf8'), 'x();\nx();\n');
  });
});
