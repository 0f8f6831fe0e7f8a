import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareSandbox, type CommandSandbox } from '../../../src/core/sandbox/commandSandbox';
import { detectSandbox } from '../../../src/core/sandbox/detectSandbox';
import { SandboxError } from '../../../src/core/sandbox/sandboxError';
import { SandboxSettings } from '../../../src/core/sandbox/sandboxSettings';
import { ShipwrightConfig } from '../../../src/core/config/shipwrightConfig';
import { defaultConfig } from '../../../src/core/config/defaultConfig';
import { runTestCommand, type TestRunResult } from '../../../src/core/workspace/testCommandRunner';
import { applyEdits } from '../../../src/core/workspace/applyEdits';
import { setupProblem } from '../../../src/core/pipeline/implementation/setupProblem';
import { requireSandbox } from './requireSandbox';
import { git, makeFixtureRepo, snapshotCheckout } from '../../fixtures/fixtureRepo';
import { WorktreeManager } from '../../../src/core/workspace/worktreeManager';

const CANARY_KEY = 'sk-ant-api03-CANARYcanaryCANARYcanary0123456789';

/**
 * A fake home holding a private key, a user checkout inside it with a `.env`, and a ticket worktree beside the
 * checkout (as Shipwright lays them out: `<repo>/../.shipwright-worktrees/<name>/<id>`), with a `.git` file.
 */
function layout(): { root: string; home: string; repo: string; worktree: string; outside: string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'shipwright-sbx-')));
  const home = join(root, 'home', 'ana');
  const repo = join(home, 'proj');
  const worktree = join(home, '.shipwright-worktrees', 'proj', 't1');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  writeFileSync(join(home, '.ssh', 'id_ed25519'), 'PRIVATE-KEY-CANARY\n');
  mkdirSync(join(repo, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(join(repo, '.env'), 'DB_PASSWORD=env-file-canary\n');
  writeFileSync(join(repo, 'node_modules', 'dep', 'index.js'), 'module.exports = 42;\n');
  mkdirSync(worktree, { recursive: true });
  writeFileSync(join(worktree, '.git'), `gitdir: ${repo}/.git/worktrees/t1\n`);
  writeFileSync(join(worktree, 'a.txt'), 'in the worktree\n');
  const outside = join(root, 'outside.txt');
  writeFileSync(outside, 'outside, must not change\n');
  return { root, home, repo, worktree, outside };
}

suite('security: the sandbox of test and set-up commands (real bubblewrap)', function () {
  this.timeout(60_000);
  let l: ReturnType<typeof layout>;
  let sandbox: CommandSandbox;
  const saved = process.env.ANTHROPIC_API_KEY;

  setup(async function () {
    const availability = await requireSandbox(this);
    l = layout();
    sandbox = await prepareSandbox({ settings: SandboxSettings.parse({}), worktree: l.worktree, repoRoot: l.repo, home: l.home, availability });
  });
  teardown(() => {
    if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
    else process.env.ANTHROPIC_API_KEY = saved;
    if (l !== undefined) rmSync(l.root, { recursive: true, force: true });
  });

  const run = (command: string, network = false): Promise<TestRunResult> =>
    runTestCommand({ command, cwd: l.worktree, timeoutMs: 20_000, outputBudgetChars: 20_000, sandbox, network });

  test('a test cannot print the engine\'s provider key: it is not in the environment, and its value is redacted anyway', async () => {
    process.env.ANTHROPIC_API_KEY = CANARY_KEY;
    const r = await run('env; echo "key=[$ANTHROPIC_API_KEY]"; echo sk-ant-api03-SHAPEonlySHAPEonlySHAPE');
    assert.equal(r.confined, true);
    assert.equal(r.exitCode, 0, r.output);
    assert.ok(!r.output.includes(CANARY_KEY), r.output);
    assert.match(r.output, /key=\[\]/);
    assert.ok(!r.output.includes('SHAPEonlySHAPE'), 'a key-shaped string printed by a test is redacted');
    assert.match(r.output, /\[redacted Anthropic key\]/);
    assert.match(r.output, /^CI=true$/m);
  });

  test('the home, its keys and the user\'s checkout (.env) are hidden; the worktree and linked deps are readable', async () => {
    const r = await run(`cat ${l.home}/.ssh/id_ed25519; cat ${l.repo}/.env; ls -a ${l.home}; cat a.txt; echo "home=$HOME"`);
    assert.ok(!r.output.includes('PRIVATE-KEY-CANARY'), r.output);
    assert.ok(!r.output.includes('env-file-canary'), r.output);
    assert.match(r.output, /in the worktree/);
    // A linked node_modules (a symlink into the checkout) stays usable, read-only.
    writeFileSync(join(l.worktree, 'use.js'), "console.log('dep', require('./node_modules/dep'));\n");
    const { symlinkSync } = await import('node:fs');
    symlinkSync(join(l.repo, 'node_modules'), join(l.worktree, 'node_modules'));
    sandbox = await prepareSandbox({ settings: SandboxSettings.parse({}), worktree: l.worktree, repoRoot: l.repo, home: l.home, availability: await detectSandbox() });
    const dep = await run('node use.js && echo x > node_modules/dep/index.js');
    assert.match(dep.output, /dep 42/);
    assert.match(dep.output, /Read-only file system/);
    assert.equal(readFileSync(join(l.repo, 'node_modules', 'dep', 'index.js'), 'utf8'), 'module.exports = 42;\n');
  });

  test('a version manager\'s shims on PATH (pyenv\'s `~/.pyenv/shims`) work: its folder is readable, the rest of the home is not (not even through `~/shims`)', async () => {
    // pyenv's layout: a shim execs the manager in libexec, which runs the chosen version from versions/.
    const root = join(l.home, '.pyenv');
    mkdirSync(join(root, 'shims'), { recursive: true });
    mkdirSync(join(root, 'libexec'), { recursive: true });
    mkdirSync(join(root, 'versions', '3.11.7', 'bin'), { recursive: true });
    writeFileSync(join(root, 'shims', 'fakepython'), `#!/bin/sh\nexec "${root}/libexec/pyenv" exec fakepython "$@"\n`, { mode: 0o755 });
    writeFileSync(join(root, 'libexec', 'pyenv'), `#!/bin/sh\nshift; prog=$1; shift\nexec "${root}/versions/3.11.7/bin/$prog" "$@"\n`, { mode: 0o755 });
    writeFileSync(join(root, 'versions', '3.11.7', 'bin', 'fakepython'), '#!/bin/sh\necho "python 3.11.7 ran with $*"\n', { mode: 0o755 });
    // A plain `~/shims` folder on PATH too: the folder above it is the home, which must stay hidden.
    mkdirSync(join(l.home, 'shims'), { recursive: true });
    const path = process.env.PATH;
    process.env.PATH = `${join(root, 'shims')}:${join(l.home, 'shims')}:${path ?? ''}`;
    try {
      sandbox = await prepareSandbox({ settings: SandboxSettings.parse({}), worktree: l.worktree, repoRoot: l.repo, home: l.home, availability: await detectSandbox() });
    } finally {
      process.env.PATH = path;
    }
    const r = await run(`${join(root, 'shims', 'fakepython')} -m pytest; cat ${l.home}/.ssh/id_ed25519`);
    assert.match(r.output, /python 3\.11\.7 ran with -m pytest/);
    assert.ok(!r.output.includes('PRIVATE-KEY-CANARY'), r.output);
  });

  test('nothing outside the worktree can be written; /tmp is private', async () => {
    const r = await run(`echo pwned > ${l.outside}; echo pwned > /usr/canary-sbx; echo pwned > ${l.repo}/canary; echo t > /tmp/private; echo written > ok.txt`);
    assert.equal(readFileSync(l.outside, 'utf8'), 'outside, must not change\n');
    assert.equal(existsSync('/usr/canary-sbx'), false);
    assert.equal(existsSync(join(l.repo, 'canary')), false);
    assert.equal(existsSync('/tmp/private'), false);
    assert.equal(readFileSync(join(l.worktree, 'ok.txt'), 'utf8'), 'written\n', r.output);
  });

  test('Python bytecode a run left in a __pycache__ of the worktree is not read by the next run (an unchecked-hash .pyc would outlive its source)', async () => {
    // Run 1 (code under test) compiles a version of mod.py returning "planted" into mod's __pycache__ as an
    // unchecked-hash pyc (PEP 552: never compared with its source); then the source says "real".
    mkdirSync(join(l.worktree, 'pkg'));
    writeFileSync(join(l.worktree, 'pkg', '__init__.py'), '');
    writeFileSync(join(l.worktree, 'pkg', 'mod.py'), 'def value():\n    return "planted"\n');
    const plant = "import py_compile, sys; py_compile.compile('pkg/mod.py', cfile='pkg/__pycache__/mod.' + sys.implementation.cache_tag + '.pyc', invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH, doraise=True)";
    const first = await run(`python3 -c "${plant.replace(/"/g, '\\"')}" && ls pkg/__pycache__`);
    assert.match(first.output, /mod\.cpython-\d+\.pyc/, first.output);
    writeFileSync(join(l.worktree, 'pkg', 'mod.py'), 'def value():\n    return "real"\n');
    const second = await run('python3 -c "import pkg.mod; print(pkg.mod.value())"');
    assert.match(second.output, /^real$/m, second.output);
  });

  test('the .git file cannot be redirected to a git dir of the test\'s making', async () => {
    const before = readFileSync(join(l.worktree, '.git'), 'utf8');
    await run('echo "gitdir: /tmp/evil" > .git; rm -f .git');
    assert.equal(readFileSync(join(l.worktree, '.git'), 'utf8'), before);
  });

  test('no network: a local server gets no connection', async () => {
    let hits = 0;
    const server: Server = createServer((_q, s) => { hits++; s.end('reached'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port; // listen() on a TCP port always gives an AddressInfo
    try {
      const r = await run(`node -e "fetch('http://127.0.0.1:${port}/').then(r => r.text()).then(t => console.log('GOT', t), e => console.log('NO', e.cause?.code ?? e.message))"`);
      assert.match(r.output, /NO /, r.output);
      assert.equal(hits, 0);
      const allowed = await run(`node -e "fetch('http://127.0.0.1:${port}/').then(r => r.text()).then(t => console.log('GOT', t), e => console.log('NO', e.message))"`, true);
      assert.match(allowed.output, /GOT reached/, 'with network allowed the same call works: the refusal above is the sandbox');
    } finally {
      server.close();
    }
  });

  test('without network npm does not retry: npx of a runner the project lacks fails at once and is judged a missing runner', async () => {
    const t = await run('npx ava');
    assert.equal(t.confined, true);
    // Without npm_config_fetch_retries=0 npm retries for about a minute, past this suite's 20 s timeout.
    assert.equal(t.timedOut, false);
    assert.match(t.output, /npm error code (EAI_AGAIN|ENOTFOUND)/);
    assert.match(setupProblem(t) ?? '', /npm tried to download `ava` to run it \(npm error (EAI_AGAIN|ENOTFOUND);.*the test runner is not installed/);
  });

  test('processes left behind (background, setsid, nohup) die with the run', async () => {
    const r = await run('(sleep 1; echo survived > canary1) & setsid sh -c "sleep 1; echo survived > canary2" & nohup sh -c "sleep 1; echo survived > canary3" >/dev/null 2>&1 & echo started');
    assert.equal(r.exitCode, 0);
    await new Promise((res) => setTimeout(res, 2_500));
    for (const c of ['canary1', 'canary2', 'canary3']) assert.equal(existsSync(join(l.worktree, c)), false, `${c} was written by a process that outlived the run`);
  });

  test('a hard link to an outside file cannot be made, and an edit never writes through one made beforehand', async () => {
    // The outside file is visible (read-only), as a linked node_modules is: the link is what must fail.
    sandbox = await prepareSandbox({ settings: SandboxSettings.parse({ paths: { read: [l.outside] } }), worktree: l.worktree, repoRoot: l.repo, home: l.home, availability: await detectSandbox() });
    const r = await run(`cat ${l.outside}; ln ${l.outside} linked.txt; echo pwned >> linked.txt`);
    assert.match(r.output, /outside, must not change/);
    assert.match(r.output, /Invalid cross-device link|Operation not permitted|Read-only/);
    assert.equal(readFileSync(l.outside, 'utf8'), 'outside, must not change\n');
    // A link made some other way (an unconfined run, a tool): the model's edit replaces the file, not its target.
    rmSync(join(l.worktree, 'linked.txt'), { force: true });
    linkSync(l.outside, join(l.worktree, 'linked.txt'));
    const edit = await applyEdits(l.worktree, [{ kind: 'write', path: 'linked.txt', content: 'edited\n' }]);
    assert.equal(edit.ok, true);
    assert.equal(readFileSync(join(l.worktree, 'linked.txt'), 'utf8'), 'edited\n');
    assert.equal(readFileSync(l.outside, 'utf8'), 'outside, must not change\n');
    assert.equal(statSync(l.outside).nlink, 1);
  });

  test('as root, a test cannot unmount the tmpfs that hides the home (all capabilities are dropped)', async () => {
    const r = await run(`umount ${l.home} 2>&1; umount -l /tmp 2>&1; cat ${l.home}/.ssh/id_ed25519`);
    assert.ok(!r.output.includes('PRIVATE-KEY-CANARY'), r.output);
  });
});

suite('security: git inside the sandbox (real repository, real worktree, real bubblewrap)', function () {
  this.timeout(60_000);
  test('a test can run git status, rev-parse and log in its worktree, but cannot move a ref, write an object or read other git data', async function () {
    const availability = await requireSandbox(this);
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'shipwright-sbx-git-')));
    try {
      const home = join(root, 'home', 'ana');
      const repo = join(home, 'proj');
      const worktree = join(home, '.shipwright-worktrees', 'proj', 't1');
      mkdirSync(repo, { recursive: true });
      writeFileSync(join(repo, 'a.txt'), 'one\n');
      git(repo, 'init', '-q', '-b', 'main');
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', 'first');
      git(repo, 'worktree', 'add', '-q', '-b', 'shipwright/t1', worktree);
      // What must stay unreadable inside: Shipwright's run states and the user's hooks in the same .git.
      mkdirSync(join(repo, '.git', 'shipwright', 'runs', 't1'), { recursive: true });
      writeFileSync(join(repo, '.git', 'shipwright', 'runs', 't1', 'state.json'), '{"canary":"run-state-canary"}\n');
      writeFileSync(join(repo, '.git', 'hooks', 'pre-push'), '#!/bin/sh\n# hook-canary\n');
      const head = git(repo, 'rev-parse', 'HEAD').trim();
      const refsBefore = snapshotCheckout(repo);
      const objects = (): string => git(repo, 'count-objects', '-v');
      const objectsBefore = objects();

      const sandbox = await prepareSandbox({ settings: SandboxSettings.parse({}), worktree, repoRoot: repo, home, availability });
      writeFileSync(join(worktree, 'b.txt'), 'new\n');
      const r = await runTestCommand({
        cwd: worktree, timeoutMs: 20_000, outputBudgetChars: 20_000, sandbox,
        command: [
          'git status --porcelain && echo STATUS-OK',
          'echo "head=$(git rev-parse HEAD)"',
          'git log --format=%s',
          'git update-ref refs/heads/main HEAD~0 2>&1 || echo UPDATE-REF-REFUSED',
          'git branch evil 2>&1 || echo BRANCH-REFUSED',
          'git add b.txt 2>&1 && git -c user.name=x -c user.email=x@y commit -q -m evil 2>&1 || echo COMMIT-REFUSED',
          'git hash-object -w b.txt 2>&1 || echo OBJECT-REFUSED',
          `cat ${repo}/.git/shipwright/runs/t1/state.json ${repo}/.git/hooks/pre-push 2>&1`,
        ].join('; '),
      });
      assert.equal(r.confined, true);
      assert.match(r.output, /\?\? b\.txt\nSTATUS-OK/);
      assert.match(r.output, new RegExp(`head=${head}`));
      assert.match(r.output, /^first$/m);
      for (const refused of ['UPDATE-REF-REFUSED', 'BRANCH-REFUSED', 'COMMIT-REFUSED', 'OBJECT-REFUSED']) assert.match(r.output, new RegExp(refused));
      assert.doesNotMatch(r.output, /run-state-canary|hook-canary/);
      // What must not have happened, checked from outside: refs, HEAD, index and objects of the repository as before.
      assert.deepEqual(snapshotCheckout(repo), refsBefore);
      assert.equal(git(repo, 'rev-parse', 'main').trim(), head);
      assert.equal(git(repo, 'branch', '--list', 'evil').trim(), '');
      assert.equal(objects(), objectsBefore);
      assert.equal(git(worktree, 'rev-parse', 'HEAD').trim(), head);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

suite('security: network for the set-up command, none for the test command (real worktrees, real bubblewrap)', function () {
  this.timeout(90_000);
  test('by default set-up reaches the network and the test command does not; setupNetwork: false cuts set-up off too', async function () {
    await requireSandbox(this);
    let hits = 0;
    const server: Server = createServer((_q, s) => { hits++; s.end('reached'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port; // listen() on a TCP port always gives an AddressInfo
    const fetchTo = (file: string) => `node -e "fetch('http://127.0.0.1:${port}/').then(r => r.text()).then(t => require('fs').writeFileSync('${file}', 'GOT ' + t), e => require('fs').writeFileSync('${file}', 'NO ' + (e.cause?.code ?? e.message)))"`;
    const repo = makeFixtureRepo();
    try {
      const open = (sandbox: unknown) => WorktreeManager.open({ repoDir: repo.dir, config: ShipwrightConfig.parse({ ...defaultConfig, testTimeoutMs: 30_000, sandbox, worktree: { copy: [], link: [], dependencies: 'none', setupCommand: fetchTo('setup-net.txt') } }) });
      const byDefault = await (await open(undefined)).create({ id: 'net-default', title: 'x' });
      assert.equal(readFileSync(join(byDefault.path, 'setup-net.txt'), 'utf8'), 'GOT reached', 'set-up (npm ci) needs the network by default');
      assert.equal(hits, 1);
      // The test command of the same worktree, as runTests runs it: the configured network, off by default.
      const settings = ShipwrightConfig.parse(defaultConfig).sandbox;
      const sandbox = await prepareSandbox({ settings, worktree: byDefault.path, repoRoot: repo.dir });
      const t = await runTestCommand({ command: fetchTo('test-net.txt'), cwd: byDefault.path, timeoutMs: 20_000, outputBudgetChars: 10_000, sandbox, network: settings.network });
      assert.equal(t.confined, true);
      assert.match(readFileSync(join(byDefault.path, 'test-net.txt'), 'utf8'), /^NO /);
      assert.equal(hits, 1, 'the test command reached the server');
      const closed = await (await open({ setupNetwork: false })).create({ id: 'net-off', title: 'y' });
      assert.match(readFileSync(join(closed.path, 'setup-net.txt'), 'utf8'), /^NO /);
      assert.equal(hits, 1, 'set-up reached the server with setupNetwork: false');
    } finally {
      server.close();
      repo.cleanup();
    }
  });
});

suite('security: sandbox settings and detection', () => {
  test('provider keys cannot be allow-listed into commands', () => {
    const r = ShipwrightConfig.safeParse({ ...defaultConfig, sandbox: { env: ['DATABASE_URL', 'ANTHROPIC_API_KEY'] } });
    assert.equal(r.success, false);
    assert.match(JSON.stringify(r.error?.issues), /never passed/);
    const ok = ShipwrightConfig.parse({ ...defaultConfig, sandbox: 'off' });
    assert.equal(ok.sandbox.mode, 'off');
    assert.equal(ShipwrightConfig.parse(defaultConfig).sandbox.network, false);
  });

  test('on Linux without bubblewrap, `auto` refuses to run unconfined and says how to install it', async function () {
    if (process.platform !== 'linux') this.skip();
    const missing = await detectSandbox({ path: '/nonexistent' });
    assert.equal(missing.ok, false);
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'shipwright-nobwrap-')));
    try {
      await assert.rejects(
        prepareSandbox({ settings: SandboxSettings.parse('auto'), worktree: dir, repoRoot: dir, availability: missing }),
        (e: unknown) => SandboxError.is(e, 'unavailable') && /apt-get install bubblewrap/.test(e.message) && /"sandbox": "off"/.test(e.message),
      );
      const off = await prepareSandbox({ settings: SandboxSettings.parse('off'), worktree: dir, repoRoot: dir, availability: missing });
      assert.equal(off.confined, false);
      assert.match(off.description, /unconfined/);
      // Unconfined still never passes the provider key.
      process.env.ANTHROPIC_API_KEY = CANARY_KEY;
      const r = await runTestCommand({ command: 'echo "[$ANTHROPIC_API_KEY]"', cwd: dir, timeoutMs: 10_000, outputBudgetChars: 1_000, sandbox: off });
      assert.match(r.output, /\[\]/);
    } finally {
      delete process.env.ANTHROPIC_API_KEY;
      rmSync(dir, { recursive: true, force: true });
      await detectSandbox({ fresh: true });
    }
  });
});
