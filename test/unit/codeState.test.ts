import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeState } from '../../src/core/workspace/codeState';
import { makeFixtureRepo, type FixtureRepo } from '../fixtures/fixtureRepo';

suite('codeState: the code a test run sees, as one id', () => {
  let repo: FixtureRepo | undefined;
  setup(() => {
    repo = makeFixtureRepo();
  });
  teardown(() => repo?.cleanup());

  test('changes with any file content, committed, dirty or untracked; not with .shipwright or ignored files; the index and objects are left alone', async () => {
    const dir = repo!.dir;
    const clean = await codeState(dir);
    assert.equal(await codeState(dir), clean, 'the same code, the same id');

    // Deliverables under .shipwright, committed or not, and ignored files do not count.
    mkdirSync(join(dir, '.shipwright', 't1'), { recursive: true });
    writeFileSync(join(dir, '.shipwright', 't1', '01-discovery.md'), '# spec\n');
    writeFileSync(join(dir, '.gitignore'), 'coverage/\n');
    repo!.git('add', '.gitignore', '.shipwright');
    repo!.git('commit', '-qm', 'deliverable and ignore file');
    const index = readFileSync(join(dir, '.git', 'index'));
    const objects = () => readdirSync(join(dir, '.git', 'objects'), { recursive: true }).length;
    const objectsBefore = objects();
    const base = await codeState(dir);
    assert.notEqual(base, clean, '.gitignore is code the tests may see');
    writeFileSync(join(dir, '.shipwright', 't1', '02-tech-spec.md'), '# design\n');
    mkdirSync(join(dir, 'coverage'));
    writeFileSync(join(dir, 'coverage', 'lcov.info'), 'TN:\n');
    // Interpreter caches a run writes where no .gitignore covers them are not code either.
    mkdirSync(join(dir, 'src', '__pycache__'));
    writeFileSync(join(dir, 'src', '__pycache__', 'calc.cpython-311.pyc'), 'bytecode');
    mkdirSync(join(dir, '.pytest_cache', 'v'), { recursive: true });
    writeFileSync(join(dir, '.pytest_cache', 'v', 'lastfailed'), '{}');
    assert.equal(await codeState(dir), base);

    // A tracked file edited, then edited again while already dirty: each content is its own state.
    const calc = join(dir, 'src', 'calculator.js');
    writeFileSync(calc, readFileSync(calc, 'utf8') + '\n// one\n');
    const once = await codeState(dir);
    assert.notEqual(once, base);
    writeFileSync(calc, readFileSync(calc, 'utf8') + '// two\n');
    const twice = await codeState(dir);
    assert.notEqual(twice, once);

    // An untracked file, and a change of its content.
    writeFileSync(join(dir, 'test', 'fixture.json'), '{"a":1}\n');
    const untracked = await codeState(dir);
    assert.notEqual(untracked, twice);
    writeFileSync(join(dir, 'test', 'fixture.json'), '{"a":2}\n');
    assert.notEqual(await codeState(dir), untracked);

    // The real index and object store were never written: nothing was staged or stored behind the person's back.
    assert.ok(readFileSync(join(dir, '.git', 'index')).equals(index), 'the index is as the commit left it');
    assert.equal(objects(), objectsBefore, 'no object was written into the repository');
    const status = repo!.git('status', '--porcelain', '--untracked-files=all');
    assert.match(status, /^ M src\/calculator\.js$/m);
    assert.match(status, /^\?\? test\/fixture\.json$/m);
    // A module next to a cache folder still counts.
    const beforeModule = await codeState(dir);
    writeFileSync(join(dir, 'src', 'helpers.py'), 'x = 1\n');
    assert.notEqual(await codeState(dir), beforeModule);
  });

  test('a worktree git cannot stage (a nested repository without a commit) is an error, which callers take as unknown', async () => {
    const dir = repo!.dir;
    mkdirSync(join(dir, 'emb'));
    repo!.git('-C', 'emb', 'init', '-q');
    writeFileSync(join(dir, 'emb', 'x.txt'), 'x\n');
    await assert.rejects(codeState(dir), /does not have a commit checked out|adding files failed/);
  });
});
