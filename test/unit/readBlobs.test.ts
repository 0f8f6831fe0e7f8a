import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitClient } from '../../src/core/workspace/gitClient';
import { readBlobs } from '../../src/core/workspace/readBlobs';
import { makeFixtureRepo, type FixtureRepo } from '../fixtures/fixtureRepo';

suite('readBlobs: several blobs from one git process', () => {
  let repo: FixtureRepo;
  setup(() => {
    repo = makeFixtureRepo();
  });
  teardown(() => repo.cleanup());

  test('bytes as committed, in the order asked: binary, empty, spaces, a newline in the name; a missing path or a folder throws', async () => {
    const binary = Buffer.from([0x00, 0x0a, 0xff, 0x0a, 0x0a, 0x31]); // NULs and newlines, no newline at the end
    mkdirSync(join(repo.dir, 'odd dir'));
    writeFileSync(join(repo.dir, 'odd dir', 'a b.bin'), binary);
    writeFileSync(join(repo.dir, 'empty.txt'), '');
    writeFileSync(join(repo.dir, 'two\nlines.txt'), 'named with a newline\n');
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'odd files');
    const git = gitClient(repo.dir);
    const names = ['HEAD:odd dir/a b.bin', 'HEAD:empty.txt', 'HEAD:two\nlines.txt', 'HEAD:src/calculator.js', 'HEAD~1:src/calculator.js'];
    const got = await readBlobs(git, names);
    const one = await Promise.all(names.map((n) => git.binaryCatFile(['blob', n])));
    assert.deepEqual(got, one, 'the same bytes as one `git cat-file blob` each');
    assert.deepEqual(got[0], binary);
    assert.equal(got[1].length, 0);
    assert.equal(got[2].toString('utf8'), 'named with a newline\n');
    await assert.rejects(readBlobs(git, ['HEAD:src/calculator.js', 'HEAD:no/such/file.js']), /no\/such\/file\.js: .*missing/);
    await assert.rejects(readBlobs(git, ['HEAD:src']), /HEAD:src: a tree, not a blob/);
  });
});
