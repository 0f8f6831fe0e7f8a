import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ShipwrightConfig } from '../../src/core/config/shipwrightConfig';
import { ignoredEdits } from '../../src/core/workspace/ignoredEdits';
import { WorktreeManager } from '../../src/core/workspace/worktreeManager';
import { git, makeFixtureRepo, type FixtureRepo } from '../fixtures/fixtureRepo';

suite('ignoredEdits', () => {
  let repo: FixtureRepo;
  setup(() => {
    repo = makeFixtureRepo();
  });
  teardown(() => repo.cleanup());

  test('refuses edits the ticket\'s commit would leave out (ignored, or brought by Shipwright), not tracked files an ignore rule also matches', async () => {
    writeFileSync(join(repo.dir, '.gitignore'), 'node_modules/\n.venv/\n*.log\ntarget/\n');
    writeFileSync(join(repo.dir, 'keep.log'), 'tracked although *.log is ignored\n');
    repo.git('add', '.gitignore');
    repo.git('add', '-f', 'keep.log');
    repo.git('commit', '-qm', 'ignore rules');
    writeFileSync(join(repo.dir, 'settings.local'), 'copied, not ignored\n');
    mkdirSync(join(repo.dir, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(repo.dir, 'node_modules', '.bin', 'vitest'), '#!/bin/sh\n');
    const config = ShipwrightConfig.parse({ models: {}, chains: {}, worktree: { copy: ['settings.local'], link: [], dependencies: 'copy' } });
    const wt = await (await WorktreeManager.open({ repoDir: repo.dir, config })).create({ id: 'i1', title: 'ignored' });
    const change = (path: string) => ({ path, before: null, after: 'x\n' });

    const out = await ignoredEdits(wt.path, ['node_modules/.bin/vitest', '.venv/bin/pytest', 'target/debug/x', 'run.log', 'settings.local', 'keep.log', 'src/new.js'].map(change));
    const where = new Map(out.map((o) => [o.where, o.message]));
    // A fake runner in node_modules/.bin would turn any run green, and no diff the person reads would show it.
    assert.match(where.get('node_modules/.bin/vitest') ?? '', /copied or linked into the worktree/);
    assert.match(where.get('settings.local') ?? '', /copied or linked into the worktree/);
    for (const p of ['.venv/bin/pytest', 'target/debug/x', 'run.log']) assert.match(where.get(p) ?? '', /ignored by git/, p);
    assert.equal(where.has('keep.log'), false, 'a tracked file is part of the change whatever the ignore rules say');
    assert.equal(where.has('src/new.js'), false);
    assert.equal(out.length, 5);
  });

  test('an edit inside a submodule (not checked out in the worktree) is refused with git\'s reason, not thrown', async () => {
    const lib = join(repo.tmp, 'lib');
    mkdirSync(lib);
    git(lib, 'init', '-q');
    writeFileSync(join(lib, 'lib.c'), 'int lib;\n');
    git(lib, 'add', '.');
    git(lib, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'lib');
    repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'sub');
    repo.git('commit', '-qm', 'submodule');
    const config = ShipwrightConfig.parse({ models: {}, chains: {}, worktree: { copy: [], link: [] } });
    const wt = await (await WorktreeManager.open({ repoDir: repo.dir, config })).create({ id: 's1', title: 'submodule' });
    const out = await ignoredEdits(wt.path, [{ path: 'sub/new.c', before: null, after: 'int x;\n' }, { path: 'src/new.js', before: null, after: 'x\n' }]);
    assert.equal(out.length, 1, JSON.stringify(out));
    assert.equal(out[0].where, 'sub/new.c');
    assert.match(out[0].message, /cannot be part of the ticket's change \(.*submodule.*\)/);
  });
});
