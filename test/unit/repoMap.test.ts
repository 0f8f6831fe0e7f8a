import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { directoryOutline } from '../../src/core/workspace/directoryOutline';
import { buildRepoMap } from '../../src/core/workspace/repoMap';
import { topLevelSymbols } from '../../src/core/workspace/topLevelSymbols';
import { makeFixtureRepo, type FixtureRepo } from '../fixtures/fixtureRepo';

suite('repoMap', () => {
  let repo: FixtureRepo;
  setup(() => {
    repo = makeFixtureRepo();
  });
  teardown(() => repo.cleanup());

  test('lists tracked files with sizes and top-level symbols, not untracked ones', async () => {
    writeFileSync(join(repo.dir, 'scratch.js'), 'function secret() {}\n');
    const map = await buildRepoMap(repo.dir, { tokenBudget: 2_000 });
    assert.match(map.text, /^src\/calculator\.js \(\d+ B\): add$/m);
    assert.match(map.text, /^package\.json \(\d+ B\)$/m);
    assert.doesNotMatch(map.text, /scratch/);
    assert.equal(map.omitted, 0);
  });

  test('stays within its token budget, relevant files first, and says how many were left out', async () => {
    mkdirSync(join(repo.dir, 'lib'));
    for (let i = 0; i < 200; i++) writeFileSync(join(repo.dir, 'lib', `module${i}.js`), `export function helper${i}() {}\nexport class Thing${i} {}\n`);
    writeFileSync(join(repo.dir, 'lib', 'invoice.js'), 'export function totalInvoice() {}\n');
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'more');
    const map = await buildRepoMap(repo.dir, { tokenBudget: 300, keywords: ['invoice', 'a'] });
    assert.ok(map.tokens <= 300, `${map.tokens}`);
    assert.ok(map.text.length <= 1_200);
    assert.match(map.text.split('\n')[0], /^lib\/invoice\.js .*totalInvoice/);
    // The ticket's file, the top-level files and ten neighbours are listed; the other modules are one outline line.
    assert.equal(map.text.split('\n').filter((l) => l.startsWith('lib/module')).length, 10);
    assert.match(map.text, /^lib\/ \(190 more files: 190 \.js\)$/m);
    assert.equal(map.listed + map.outlined + map.omitted, map.files.length);
    assert.ok(map.outlined > 100);
  });

  test('with no distinctive word the ranked files fill the budget and the rest is outlined by folder; a tiny budget says what is left out', async () => {
    for (const dir of ['alpha', 'beta', 'gamma']) {
      mkdirSync(join(repo.dir, 'pkg', dir), { recursive: true });
      for (let i = 0; i < 80; i++) writeFileSync(join(repo.dir, 'pkg', dir, `part${i}.ts`), `export function ${dir}Part${i}() {}\n`);
    }
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'packages');
    const map = await buildRepoMap(repo.dir, { tokenBudget: 600, keywords: ['part'] });
    assert.ok(map.tokens <= 600, `${map.tokens}`);
    assert.ok(map.listed > 10, `${map.listed} listed`);
    // Every folder still appears: the files that did not fit are counted per folder.
    for (const dir of ['alpha', 'beta', 'gamma']) assert.match(map.text, new RegExp(`^pkg/${dir}/ \\(\\d+ (more )?files: \\d+ \\.ts\\)$`, 'm'));
    assert.equal(map.omitted, 0);
    assert.equal(map.listed + map.outlined, map.files.length);

    const tiny = await buildRepoMap(repo.dir, { tokenBudget: 60, keywords: ['part'] });
    assert.ok(tiny.tokens <= 60, `${tiny.tokens}`);
    assert.match(tiny.text, /… and \d+ more files not shown$/);
    assert.equal(tiny.listed + tiny.outlined + tiny.omitted, tiny.files.length);
  });

  test('a word many files hold ranks below a rare one, and only files with a rare word count as distinctive', async () => {
    // As on the bench's repository: `node` (from "node's built-in test runner") is in the names of many files.
    mkdirSync(join(repo.dir, 'lib'));
    for (let i = 0; i < 60; i++) writeFileSync(join(repo.dir, 'lib', `node${i}.js`), `export function nodeModule${i}() {}\nexport function withNode${i}() {}\n`);
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'more');
    const map = await buildRepoMap(repo.dir, { tokenBudget: 2_000, keywords: ['calculator', 'node', 'with'] });
    // The node files match two words, the calculator files one; the rare one wins.
    assert.deepEqual(map.files.slice(0, 2).map((f) => f.path).sort(), ['src/calculator.js', 'test/calculator.test.js']);
    assert.ok(map.files.filter((f) => f.path.startsWith('lib/')).every((f) => f.distinctive === 0 && f.relevance > 0));
    assert.equal(map.files.find((f) => f.path === 'src/calculator.js')?.distinctive, 1);
  });

  test("leaves out Shipwright's own files and binary files, caps symbols per file, and sees a changed file on the next build", async () => {
    mkdirSync(join(repo.dir, '.shipwright', 'calculator-ticket'), { recursive: true });
    writeFileSync(join(repo.dir, '.shipwright', 'calculator-ticket', '01-discovery.md'), '# calculator spec\n');
    writeFileSync(join(repo.dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
    writeFileSync(join(repo.dir, 'blob.js'), Buffer.from('function a() {}\n\0\0binary'));
    writeFileSync(join(repo.dir, 'big.ts'), Array.from({ length: 30 }, (_, i) => `export function calculator${i}() {}`).join('\n'));
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'assets');
    const map = await buildRepoMap(repo.dir, { tokenBudget: 2_000, keywords: ['calculator'] });
    assert.doesNotMatch(map.text, /\.shipwright|logo\.png|blob\.js/);
    assert.match(map.text, /^big\.ts \(\d+ B\): calculator0, .*calculator9, \+20 more$/m);

    writeFileSync(join(repo.dir, 'src', 'calculator.js'), `${'function add(a, b) { return a + b; }'}\nfunction subtract(a, b) { return a - b; }\n`);
    const again = await buildRepoMap(repo.dir, { tokenBudget: 2_000 });
    assert.match(again.text, /^src\/calculator\.js \(\d+ B\): add, subtract$/m);
  });

  test('the next build sees what changed since the last: files added, deleted and renamed (committed or not), dropped from the index, changed back', async () => {
    // Path → symbols of every file the map considers, as a person would list them.
    const listed = async (): Promise<Record<string, string>> => Object.fromEntries((await buildRepoMap(repo.dir, { tokenBudget: 2_000 })).files.map((f) => [f.path, f.symbols.join(',')]));
    const first = await listed();
    assert.deepEqual(Object.keys(first).sort(), ['README.md', 'package.json', 'src/calculator.js', 'test/calculator.test.js']);
    assert.equal(first['src/calculator.js'], 'add');

    // As the pipeline's steps commit them: a new file, a rename, a deletion.
    writeFileSync(join(repo.dir, 'src', 'extra.js'), 'function extra() {}\n');
    repo.git('mv', 'src/calculator.js', 'src/calc.js');
    repo.git('rm', '-q', 'README.md');
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'a step');
    // Not committed: a file added to the index, a tracked file deleted on disk, a rename on disk only, an untracked file.
    writeFileSync(join(repo.dir, 'src', 'staged.js'), 'function staged() {}\n');
    repo.git('add', 'src/staged.js');
    rmSync(join(repo.dir, 'package.json'));
    writeFileSync(join(repo.dir, 'test', 'moved.test.js'), readFileSync(join(repo.dir, 'test', 'calculator.test.js')));
    rmSync(join(repo.dir, 'test', 'calculator.test.js'));
    writeFileSync(join(repo.dir, 'src', 'scratch.js'), 'function scratch() {}\n');
    const second = await listed();
    assert.deepEqual(Object.keys(second).sort(), ['src/calc.js', 'src/extra.js', 'src/staged.js']);
    assert.equal(second['src/calc.js'], 'add');
    assert.equal(second['src/extra.js'], 'extra');

    // Dropped from the index but still on disk; put back as committed; changed and changed back.
    repo.git('rm', '-q', '--cached', 'src/extra.js');
    repo.git('checkout', '--', 'package.json', 'test/calculator.test.js');
    writeFileSync(join(repo.dir, 'src', 'staged.js'), 'function renamed() {}\n');
    const third = await listed();
    assert.deepEqual(Object.keys(third).sort(), ['package.json', 'src/calc.js', 'src/staged.js', 'test/calculator.test.js']);
    assert.equal(third['src/staged.js'], 'renamed');
    assert.equal(third['test/calculator.test.js'], first['test/calculator.test.js']);
    writeFileSync(join(repo.dir, 'src', 'calc.js'), 'function other() {}\n');
    assert.equal((await listed())['src/calc.js'], 'other');
    repo.git('checkout', '--', 'src/calc.js');
    assert.equal((await listed())['src/calc.js'], 'add', 'a file changed back to the commit is read again');
  });

  test('after commits that change more files than a refresh re-reads, the next builds are still right (a new base)', async () => {
    await buildRepoMap(repo.dir, { tokenBudget: 2_000 });
    mkdirSync(join(repo.dir, 'gen'));
    for (let i = 0; i < 600; i++) writeFileSync(join(repo.dir, 'gen', `m${i}.js`), `function made${i}() {}\n`);
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'many');
    const many = await buildRepoMap(repo.dir, { tokenBudget: 2_000 });
    assert.equal(many.files.length, 604);
    assert.deepEqual(many.files.find((f) => f.path === 'gen/m599.js')?.symbols, ['made599']);
    rmSync(join(repo.dir, 'gen', 'm0.js'));
    writeFileSync(join(repo.dir, 'gen', 'm1.js'), 'function changed() {}\n');
    const after = await buildRepoMap(repo.dir, { tokenBudget: 2_000 });
    assert.equal(after.files.length, 603);
    assert.deepEqual(after.files.find((f) => f.path === 'gen/m1.js')?.symbols, ['changed']);
  });

  test('a file rewritten with its old size and mtime is read again on the next build, and the index is left as it was', async () => {
    // A size-and-mtime check misses this rewrite; git does not (the index also records ctime, inode and content).
    const file = join(repo.dir, 'src', 'calculator.js');
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const index = readFileSync(join(repo.dir, '.git', 'index'));
    assert.match((await buildRepoMap(repo.dir, { tokenBudget: 2_000 })).text, /^src\/calculator\.js \(\d+ B\): add$/m);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\badd\b/g, 'sum'));
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    assert.match((await buildRepoMap(repo.dir, { tokenBudget: 2_000 })).text, /^src\/calculator\.js \(\d+ B\): sum$/m);
    // Reading is all the map does: the index is not refreshed and written back (porcelain `git diff` would).
    assert.deepEqual(readFileSync(join(repo.dir, '.git', 'index')), index);
  });

  test('the folder outline groups at the deepest level that fits, and a collapsed level says how many folders it holds', () => {
    const paths = Array.from({ length: 40 }, (_, i) => [`packages/pkg${i}/src/index.ts`, `packages/pkg${i}/README.md`]).flat();
    const roomy = directoryOutline(paths, 2_000);
    assert.equal(roomy.lines.length, 1, 'more than 24 folders at every deeper level');
    assert.equal(roomy.lines[0], 'packages/ (80 files in 40 folders: 40 .md, 40 .ts)');
    const few = directoryOutline(paths.slice(0, 6), 2_000);
    assert.deepEqual(few.lines, ['packages/pkg0/ (1 file: 1 .md)', 'packages/pkg0/src/ (1 file: 1 .ts)', 'packages/pkg1/ (1 file: 1 .md)', 'packages/pkg1/src/ (1 file: 1 .ts)', 'packages/pkg2/ (1 file: 1 .md)', 'packages/pkg2/src/ (1 file: 1 .ts)']);
    assert.equal(directoryOutline(paths, 5).files, 0, 'nothing fits: no lines, nothing accounted for');
    // A monorepo of 200,000 files (the first outline threw RangeError here, spreading the paths into Math.max).
    const huge = Array.from({ length: 200_000 }, (_, i) => `pkg${i % 30}/src/deep/er/file${i}.ts`);
    const outline = directoryOutline(huge, 2_000);
    assert.equal(outline.files, 200_000);
    assert.equal(outline.lines.length, 24, '23 largest top-level folders and one line for the rest');
    assert.match(outline.lines[23], /^… 7 more folders \(\d+ files in 7 folders: \d+ \.ts\)$/);
    assert.deepEqual(directoryOutline(['a\nb/c.ts'], 100).lines, ['"a\\nb/" (1 file: 1 .ts)'], 'a control character in a name is quoted');
  });

  test("a focused map lists the ticket's own file even when its symbols do not fit, before neighbours and top-level files", async () => {
    mkdirSync(join(repo.dir, 'billing', 'core'), { recursive: true });
    writeFileSync(join(repo.dir, 'billing', 'core', 'invoiceEngine.js'), Array.from({ length: 40 }, (_, i) => `export function longSymbolNameNumber${i}() {}`).join('\n'));
    for (let i = 0; i < 30; i++) writeFileSync(join(repo.dir, `config${i}.json`), '{}\n');
    for (let i = 0; i < 100; i++) writeFileSync(join(repo.dir, 'billing', `part${i}.js`), `export const p${i} = ${i};\n`);
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'billing');
    const map = await buildRepoMap(repo.dir, { tokenBudget: 120, keywords: ['invoice'] });
    assert.ok(map.tokens <= 120, `${map.tokens}`);
    assert.match(map.text.split('\n')[0], /^billing\/core\/invoiceEngine\.js \(\d+ B\)$/);
  });

  test('reads declarations in common languages', () => {
    assert.deepEqual(topLevelSymbols('a.ts', 'export async function run() {}\nexport const x = 1;\nexport interface Shape {}\n  function inner() {}\nclass Local {}\n'), ['run', 'x', 'Shape', 'Local']);
    assert.deepEqual(topLevelSymbols('a.py', 'def main():\n    def inner(): pass\nclass Thing:\n    pass\nasync def fetch():\n'), ['main', 'Thing', 'fetch']);
    assert.deepEqual(topLevelSymbols('a.rs', 'pub fn parse() {}\nstruct Point;\npub(crate) enum Kind {}\n'), ['parse', 'Point', 'Kind']);
    assert.deepEqual(topLevelSymbols('a.go', 'func Main() {}\nfunc (s *Server) Serve() {}\ntype Server struct{}\n'), ['Main', 'Serve', 'Server']);
    assert.deepEqual(topLevelSymbols('notes.md', '# function x'), []);
  });
});
