import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../../src/core/config/defaultConfig';
import type { PipelineEvent } from '../../src/core/pipeline/pipelineEvent';
import { makeFixtureRepo, type FixtureRepo } from '../fixtures/fixtureRepo';
import { scriptedModel } from '../fakes/scriptedModel';
import { engineKit } from './engineTestKit';

const root = join(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const ticket = join(root, 'test', 'fixtures', 'tickets', 'feature-add-subtract.md');

/** Runs the built CLI as a user would, with an environment that reaches no model. */
function shipwright(repo: FixtureRepo, ...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args, '--workspace', repo.dir], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: repo.tmp, OLLAMA_HOST: 'http://127.0.0.1:9' }, // port 9: nothing listens
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The built CLI run without blocking this process, so fake model servers in it can answer. */
async function shipwrightAsync(repo: FixtureRepo, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [cli, ...args, '--workspace', repo.dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: repo.tmp } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, out, err };
}

suite('the shipwright CLI, as a user runs it', () => {
  let repo: FixtureRepo | undefined;
  setup(() => {
    repo = makeFixtureRepo();
  });
  teardown(() => repo?.cleanup());

  test('--dry-run prints the route, the model per phase and a forecast, with no model running', () => {
    const r = shipwright(repo!, 'run', ticket, '--dry-run');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /discovery → techSpec → planning → implementation → review/);
    assert.match(r.out, /techSpec\s+opus \(claude-opus-5-5\)\s+\d+\s+\d+\s+\$0\.\d{2,4}/);
    assert.match(r.out, /validation\s+local-small \(qwen2\.5-coder:7b\)/);
    // A range since issue 11: the low end if every deliverable passes first time, the high end with one retry each.
    const m = /Forecast: (\d+)–(\d+) input tokens, \d+–\d+ output tokens \(thinking included\), \$0\.\d+–\$0\.\d+/.exec(r.out);
    assert.ok(m, r.out);
    assert.ok(Number(m[2]) > Number(m[1]));
    assert.equal(existsSync(join(repo!.dir, '.git', 'shipwright')), false, 'a dry run writes no run state');
    // Which validator calls it counts follows config.modelValidation: by default the plan has none (its checks are
    // mechanical) and review's validator runs only for a report asking for changes (the high end).
    assert.match(r.out, /validates discovery/);
    assert.doesNotMatch(r.out, /validates planning/);
    assert.match(r.out, /validation\s+\S+ \([^)]*\)\s+0\s+0\s+\$0\.00\s+validates review when it requests changes \(high end only\)/);
    mkdirSync(join(repo!.dir, '.shipwright'), { recursive: true });
    writeFileSync(join(repo!.dir, '.shipwright', 'config.json'), JSON.stringify({ modelValidation: { planning: 'always', review: 'always' } }));
    const always = shipwright(repo!, 'run', ticket, '--dry-run');
    assert.equal(always.code, 0, always.err);
    assert.match(always.out, /validation\s+\S+ \([^)]*\)\s+[1-9]\d*\s+[1-9]\d*\s+\S+\s+validates planning/);
    assert.match(always.out, /validation\s+\S+ \([^)]*\)\s+[1-9]\d*\s+[1-9]\d*\s+\S+\s+validates review$/m);
    const hi = (out: string) => Number(/Forecast: \d+–(\d+) input tokens/.exec(out)?.[1]);
    assert.ok(hi(always.out) > hi(r.out), 'the validator calls are counted');
  });

  test('run with no Ollama and no Anthropic key exits non-zero and says how to start one', () => {
    const r = shipwright(repo!, 'run', ticket);
    assert.equal(r.code, 2);
    assert.match(r.err, /Ollama is not answering at http:\/\/127\.0\.0\.1:9/);
    assert.match(r.err, /ollama serve/);
    assert.match(r.err, /ANTHROPIC_API_KEY/);
    assert.equal(existsSync(join(repo!.tmp, '.shipwright-worktrees')), false, 'no worktree was made');
  });

  test('a malformed ticket is refused with its line and field, and nothing runs', () => {
    const bad = join(repo!.tmp, 'bad.md');
    writeFileSync(bad, '---\nkind: bug\ntitle: Broken\n---\nBody\n');
    const r = shipwright(repo!, 'run', bad, '--dry-run');
    assert.equal(r.code, 2);
    assert.match(r.err, /bad\.md:2: kind: must be one of feature, hotfix, epic/);
    assert.equal(r.out, '');
  });

  test('status and cost of an unknown ticket say so', () => {
    assert.match(shipwright(repo!, 'status').out, /No tickets have run in this repository/);
    const r = shipwright(repo!, 'cost', 'nope');
    assert.equal(r.code, 2);
    assert.match(r.err, /no run of ticket "nope"/);
  });

  test('run with Ollama up and no Anthropic key never calls the cloud models the check ruled out, and logs no auth failure', async () => {
    // The default chains put opus and sonnet before the local model for techSpec and planning.
    const kit = await engineKit({ ollama: scriptedModel().responder, noAnthropicKey: true });
    try {
      const config = join(kit.repo.tmp, 'config.json');
      writeFileSync(config, JSON.stringify({ ollamaHost: kit.ollama.url, anthropicBaseUrl: kit.anthropic.url, testCommand: 'npm test', chains: defaultConfig.chains }));
      const { code, out, err } = await shipwrightAsync(kit.repo, 'run', ticket, '--config', config, '--json');
      assert.equal(code, 0, err);
      const events = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as PipelineEvent);
      const warnings = events.flatMap((e) => (e.type === 'log' && e.level === 'warn' ? [e.message] : []));
      assert.deepEqual(warnings.filter((m) => /auth|opus|sonnet|haiku/.test(m)), [], 'no cloud model was tried');
      assert.equal(kit.anthropic.requests.length, 0, 'nothing reached the Anthropic server');
      const usage = events.flatMap((e) => (e.type === 'usage' ? [e.record] : []));
      const techSpec = usage.find((r) => r.phase === 'techSpec');
      assert.equal(techSpec?.modelKey, 'local-large');
      assert.match(techSpec?.why ?? '', /first usable in the techSpec chain; ruled out before the run: opus \(auth\), sonnet \(auth\)/);
      assert.ok(events.some((e) => e.type === 'stateChanged' && e.state === 'ready'), err);
    } finally {
      await kit.close();
    }
  });

  test('a test command that can judge nothing stops the run before any model call, showing the output it stopped on, and so does status', async () => {
    const kit = await engineKit({ ollama: scriptedModel().responder, noAnthropicKey: true });
    try {
      const config = join(kit.repo.tmp, 'config.json');
      // A test command whose first step (a linter, say) fails before any test runs, so no failing test is named.
      const lint = `node -e "console.log('src/calculator.js:3:7  Strings must use singlequote'); process.exit(1)"`;
      writeFileSync(config, JSON.stringify({ ollamaHost: kit.ollama.url, anthropicBaseUrl: kit.anthropic.url, testCommand: lint, chains: defaultConfig.chains }));
      const r = await shipwrightAsync(kit.repo, 'run', ticket, '--config', config);
      assert.equal(r.code, 3, r.err);
      assert.match(r.out, /⚑ needs a person: Stopped before any model was called: the test suite already fails before any change .* set `testCommand` in \.shipwright\/config\.json \(in VS Code: the Shipwright: Test Command setting\)/);
      assert.match(r.out, /\n {6}│ src\/calculator\.js:3:7 {2}Strings must use singlequote\n/, 'the output behind the stop is shown');
      assert.equal(kit.ollama.requests.length, 0, 'no model was called');
      const status = await shipwrightAsync(kit.repo, 'status', 'add-a-subtract-function-to-the', '--config', config);
      assert.match(status.out, /needs-human[\s\S]*│ src\/calculator\.js:3:7 {2}Strings must use singlequote/);
      // The person fixes the test command and resumes: the whole route runs, from discovery.
      writeFileSync(config, JSON.stringify({ ollamaHost: kit.ollama.url, anthropicBaseUrl: kit.anthropic.url, testCommand: 'npm test', chains: defaultConfig.chains }));
      const resumed = await shipwrightAsync(kit.repo, 'resume', 'add-a-subtract-function-to-the', '--config', config);
      assert.equal(resumed.code, 0, resumed.out + resumed.err);
      assert.match(resumed.out, /add-a-subtract-function-to-the: ready/);
      assert.doesNotMatch((await shipwrightAsync(kit.repo, 'status', 'add-a-subtract-function-to-the')).out, /│/, 'the answered stop is not shown again');
    } finally {
      await kit.close();
    }
  });
});
