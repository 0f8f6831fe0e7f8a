import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ShipwrightConfig } from '../../src/core/config/shipwrightConfig';
import { baselineTrailers, readBaseline } from '../../src/core/pipeline/implementation/baselineRecord';
import { commitStep, stepCommits } from '../../src/core/pipeline/implementation/stepCommits';
import { WorktreeManager } from '../../src/core/workspace/worktreeManager';
import { makeFixtureRepo, type FixtureRepo } from '../fixtures/fixtureRepo';

suite('baselineRecord', () => {
  let repo: FixtureRepo;
  setup(() => {
    repo = makeFixtureRepo();
  });
  teardown(() => repo.cleanup());

  test('the baseline\'s failures and the new tests survive as trailers of the tests step\'s commit, read back by a later run', async () => {
    const config = ShipwrightConfig.parse({ models: {}, chains: {}, worktree: { copy: [], link: [] } });
    const wt = await (await WorktreeManager.open({ repoDir: repo.dir, config })).create({ id: 'b1', title: 'baseline' });
    const info = { path: wt.path, branch: wt.branch, baseCommit: wt.baseCommit, repoRoot: wt.repoRoot };
    assert.deepEqual(await readBaseline(info), { failures: [], passing: [] }, 'nothing recorded yet');
    writeFileSync(join(wt.path, 'test_new.py'), 'x = 1\n');
    const trailers = baselineTrailers({ failures: ['tests::known_failure'], passing: ['a', 'b'], newTests: ['test_exported (tests.test_is_valid.TestIsValid.test_exported)', 'two\nlines'], summarized: true });
    const ctx = { worktree: info, ticket: { id: 'b1', kind: 'feature' as const, title: 'baseline', body: '', acceptanceCriteria: [], dependsOn: [] }, emit: () => undefined, config };
    await commitStep(ctx, stepCommits.tests, 'failing tests first (red)', trailers);
    assert.deepEqual(await readBaseline(info), {
      failures: ['tests::known_failure'],
      passing: [],
      newTests: ['test_exported (tests.test_is_valid.TestIsValid.test_exported)', 'two lines'],
      namedPassing: 2,
      summarized: true,
    });
  });
});
