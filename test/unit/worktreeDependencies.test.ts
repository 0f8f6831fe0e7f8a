import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTicket } from '../../src/core/ticket/parseTicket';
import { WorktreeError } from '../../src/core/workspace/worktreeError';
import { scriptedModel } from '../fakes/scriptedModel';
import { snapshotCheckout } from '../fixtures/fixtureRepo';
import { engineKit, type EngineKit } from './engineTestKit';

const ticketFile = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tickets', 'feature-add-subtract.md');
const ticket = () => parseTicket(readFileSync(ticketFile, 'utf8'), 'feature-add-subtract.md');

/**
 * worktree.dependencies on real repositories: with no node_modules in the user's checkout, `auto` installs in
 * the worktree with npm (offline here: a `file:` dependency); a failing install stops the ticket before any model
 * call with a clear message, and the user's checkout is untouched either way.
 */
suite('dependencies in the worktree', () => {
  let kit: EngineKit | undefined;
  teardown(async () => kit?.close());

  const withDependency = (k: EngineKit, spec: string): void => {
    const pkg = join(k.repo.dir, 'package.json');
    writeFileSync(pkg, JSON.stringify({ ...JSON.parse(readFileSync(pkg, 'utf8')), dependencies: { 'local-helper': spec } }, null, 2));
    mkdirSync(join(k.repo.dir, 'vendor', 'local-helper'), { recursive: true });
    writeFileSync(join(k.repo.dir, 'vendor', 'local-helper', 'package.json'), '{"name":"local-helper","version":"1.0.0","main":"index.js"}\n');
    writeFileSync(join(k.repo.dir, 'vendor', 'local-helper', 'index.js'), 'module.exports = 1;\n');
    k.repo.git('add', '-A');
    k.repo.git('commit', '-qm', 'a dependency');
  };

  test('auto without a node_modules in the checkout: a fresh npm install in the worktree; never committed; the checkout has none after', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder });
    withDependency(kit, 'file:./vendor/local-helper');
    const before = snapshotCheckout(kit.repo.dir);
    const s = await kit.engine.run(ticket());
    assert.equal(s.state, 'ready', s.reason);
    const wt = s.worktree!;
    assert.ok(lstatSync(join(wt.path, 'node_modules', 'local-helper')).isSymbolicLink() || lstatSync(join(wt.path, 'node_modules', 'local-helper')).isDirectory());
    assert.ok(kit.events.some((e) => e.type === 'log' && /dependencies: a fresh install \(the project has no lockfile\)/.test(e.message)));
    const tree = kit.repo.git('ls-tree', '-r', '--name-only', wt.branch);
    assert.doesNotMatch(tree, /^node_modules|package-lock\.json/m);
    assert.equal(existsSync(join(kit.repo.dir, 'node_modules')), false);
    const after = snapshotCheckout(kit.repo.dir);
    for (const [k, v] of Object.entries(before)) if (!k.startsWith('.git/')) assert.equal(after[k], v, k);
  });

  test('an install that fails stops the ticket before any model call, saying what failed and what to do', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder });
    withDependency(kit, 'file:./vendor/not-there.tgz');
    const before = snapshotCheckout(kit.repo.dir);
    await assert.rejects(kit.engine.run(ticket()), (e: unknown) => {
      assert.ok(WorktreeError.is(e, 'setupFailed'));
      assert.match(e.message, /dependencies could not be installed \(a fresh install \(the project has no lockfile\)\): `npm install[^`]*` exited/);
      assert.match(e.message, /set worktree\.dependencies/);
      return true;
    });
    assert.equal(kit.ollama.requests.length, 0, 'no model was called');
    assert.deepEqual(snapshotCheckout(kit.repo.dir), before);
  });
});
