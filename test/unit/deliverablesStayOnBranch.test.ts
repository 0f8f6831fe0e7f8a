import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTicket } from '../../src/core/ticket/parseTicket';
import { commitChanges } from '../../src/core/workspace/commitAll';
import { buildRepoMap } from '../../src/core/workspace/repoMap';
import { runTestCommand } from '../../src/core/workspace/testCommandRunner';
import { WorktreeError } from '../../src/core/workspace/worktreeError';
import { scriptedModel } from '../fakes/scriptedModel';
import { git } from '../fixtures/fixtureRepo';
import { engineKit, type EngineKit } from './engineTestKit';

const ticketFile = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tickets', 'feature-add-subtract.md');

/**
 * The user's branch gets the change, not the process: after a real run, `finish --merge` with every file
 * approved brings the code and the tests only; the deliverables stay on the ticket's branch, hold no path of
 * this machine, and the repository map does not list them. A code file with a local path is refused by name.
 */
suite('deliverables stay on the ticket branch', () => {
  let kit: EngineKit | undefined;
  teardown(async () => kit?.close());

  /** A feature ticket run to `ready` on the calculator fixture with the scripted model. */
  const readyTicket = async () => {
    kit = await engineKit({ ollama: scriptedModel().responder });
    const ticket = parseTicket(readFileSync(ticketFile, 'utf8'), 'feature-add-subtract.md');
    const s = await kit.engine.run(ticket);
    assert.equal(s.state, 'ready', s.reason);
    return { kit, ticket, wt: s.worktree! };
  };

  test('finish --merge lands only code and tests; deliverables stay on the branch without local paths; the map skips them', async () => {
    const { kit, ticket, wt } = await readyTicket();
    const deliverables = git(wt.path, 'ls-tree', '-r', '--name-only', 'HEAD', '.shipwright').trim().split('\n');
    assert.ok(deliverables.length >= 5, deliverables.join(', '));
    for (const d of deliverables) {
      const text = git(wt.path, 'show', `HEAD:${d}`);
      assert.ok(!text.includes(wt.path) && !text.includes(kit.repo.dir) && !text.includes(kit.repo.tmp), `${d} holds a local path`);
    }
    const map = await buildRepoMap(wt.path, { tokenBudget: 2_000, keywords: ['subtract', 'calculator'] });
    assert.doesNotMatch(map.text, /\.shipwright/);

    const files = await kit.engine.changedFiles(ticket.id);
    const decisions = files.map((f) => ({ path: f.path, contentHash: f.contentHash, decision: 'approve' as const }));
    const done = await kit.engine.finish(ticket.id, decisions, 'merge');
    assert.equal(done.state, 'done', done.reason);
    assert.match(done.reason, /merged 2 file\(s\) into main .*; \d+ deliverable\(s\) stay on branch shipwright\//);
    const landed = kit.repo.git('diff', '--name-only', `${wt.baseCommit}..HEAD`).trim().split('\n').sort();
    assert.deepEqual(landed, ['src/calculator.js', 'test/subtract.test.js']);
    assert.equal(existsSync(join(kit.repo.dir, '.shipwright')), false);
    assert.deepEqual(git(wt.path, 'ls-tree', '-r', '--name-only', wt.branch, '.shipwright').trim().split('\n'), deliverables, 'the branch keeps them');
    const green = await runTestCommand({ command: 'npm test', cwd: kit.repo.dir, timeoutMs: 60_000, outputBudgetChars: 4_000 });
    assert.equal(green.exitCode, 0, green.output);
  });

  test('a file holding an absolute path of this machine is refused by name, and nothing is merged', async () => {
    const { kit, ticket, wt } = await readyTicket();
    writeFileSync(join(wt.path, 'test', 'snapshot.txt'), `ran in ${wt.path}/test\n`);
    await commitChanges(wt, 'a snapshot with a local path');
    const head = kit.repo.git('rev-parse', 'HEAD').trim();
    const files = await kit.engine.changedFiles(ticket.id);
    await assert.rejects(kit.engine.finish(ticket.id, files.map((f) => ({ path: f.path, contentHash: f.contentHash, decision: 'approve' as const })), 'merge'), (e: unknown) => {
      assert.ok(WorktreeError.is(e, 'localPaths'));
      assert.deepEqual(e.paths, ['test/snapshot.txt']);
      return true;
    });
    assert.equal(kit.repo.git('rev-parse', 'HEAD').trim(), head);
  });
});
