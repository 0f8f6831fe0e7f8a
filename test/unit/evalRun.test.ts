import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EvalReport } from '../../src/core/eval/evalReport';
import { startFakeAnthropic } from '../fakes/fakeAnthropicServer';
import type { FakeModelServer } from '../fakes/fakeScript';
import { allOn, evalFixture, HIDDEN_MARKER, modelDependentResponder, shipwrightAsync, writeConfig, type EvalFixture } from './evalTestKit';

const HAIKU = 'claude-haiku-5-5';

suite('shipwright eval: profiles on real repositories against model-dependent fakes', function () {
  this.timeout(240_000); // each test runs six whole pipelines and their hidden checks (~30 s on 2 cores)
  let fx: EvalFixture | undefined;
  let anthropic: FakeModelServer | undefined;
  teardown(async () => {
    await anthropic?.close();
    fx?.repo.cleanup();
  });

  const setup = async (wrongOps: string[], tokens?: { input: number; output: number }) => {
    fx = evalFixture();
    // A happy path caches only what other calls of the run surely read (the validators' and code steps' shared
    // system prompts, ~450 tokens): a 200-token minimum makes those cacheable, so cache tokens reach the report.
    anthropic = await startFakeAnthropic({ respond: modelDependentResponder({ weakModels: [HAIKU], wrongOps, tokens }), cacheMinimums: { 'claude-sonnet-5-5': 200, [HAIKU]: 200 } });
    writeConfig(fx.repo.dir, {
      anthropicBaseUrl: anthropic.url, ollamaHost: 'http://127.0.0.1:9', testTimeoutMs: 60_000, callTimeoutMs: 20_000,
      retry: { maxRetries: 0, maxRetryAfterMs: 100 },
      profiles: { small: { chains: allOn('haiku') }, large: { chains: allOn('sonnet') } },
    });
    return { fx, anthropic };
  };
  const evalCli = (f: EvalFixture, ...args: string[]) =>
    shipwrightAsync(['eval', f.suiteFile, '--workspace', f.repo.dir, ...args], { cwd: f.repo.tmp, env: { ANTHROPIC_API_KEY: 'test-key' } });

  test('the weak model fails a hidden test: profiles ranked by pass rate and cost, the stronger one recommended, hidden tests never sent to a model', async () => {
    const { fx, anthropic } = await setup(['subtract']);
    const out = join(fx.repo.tmp, 'out');
    const r = await evalCli(fx, '--profile', 'small', '--profile', 'large', '--concurrency', '2', '--out', out, '--json', '--recommend');
    assert.equal(r.code, 0, r.err);
    const report = EvalReport.parse(JSON.parse(r.out));
    const [small, large] = report.profiles;
    assert.deepEqual(report.profiles.map((p) => [p.name, p.instances, p.resolved]), [['small', 3, 2], ['large', 3, 3]]);
    assert.ok(Math.abs(small.passRate - 2 / 3) < 1e-9);
    assert.equal(large.passRate, 1);
    assert.ok(small.passRateLow < small.passRate && small.passRate < small.passRateHigh, 'a Wilson interval around the pass rate');
    assert.ok(small.usd > 0 && large.usd > 5 * small.usd, `sonnet costs far more than haiku: ${large.usd} vs ${small.usd}`);
    assert.ok(small.usdPerResolved! < large.usdPerResolved!);
    // The weak model's subtract passed its own test and review, and failed the hidden one.
    const sub = report.instances.find((i) => i.instance === 'calculator-subtract' && i.profile === 'small')!;
    assert.equal(sub.endState, 'ready');
    assert.equal(sub.resolved, false);
    assert.deepEqual(sub.checks?.failToPass.map((c) => [c.test, c.passed]), [['test/hidden-subtract.test.js', false]]);
    assert.deepEqual(sub.checks?.passToPass.map((c) => c.passed), [true]);
    assert.match(sub.checks!.failToPass[0].output, /-4|4 !== -4|Expected values to be strictly equal/);
    for (const i of report.instances.filter((x) => x.resolved)) assert.deepEqual(i.checks?.failToPass.map((c) => c.passed), [true]);
    // Per phase: calls, attempts, tokens incl. cache.
    assert.ok(sub.phases.some((p) => p.phase === 'implementation' && p.calls > 0 && p.attempts > 0));
    assert.ok(large.tokens.cacheRead + large.tokens.cacheWrite > 0, 'cache tokens are counted');
    // With a 5-point margin the weak profile does not hold quality: the stronger one is recommended.
    assert.equal(report.recommendation?.profile, 'large');
    assert.match(r.err, /Recommended: large/);
    assert.match(r.err, /Config left as it is \(add --yes/);
    // The hidden tests never reached a model: not in any system prompt, message or raw request.
    assert.ok(anthropic.requests.length > 20);
    for (const req of anthropic.requests) {
      const seen = JSON.stringify(req.raw);
      assert.doesNotMatch(seen, new RegExp(HIDDEN_MARKER), `request ${req.schemaName} to ${req.model} carried a hidden test`);
      assert.doesNotMatch(seen, /hidden-(subtract|multiply|divide)/);
    }
    // Report files and a self-ignoring output folder.
    assert.ok(existsSync(join(out, 'report.html')));
    assert.equal(readFileSync(join(out, '.gitignore'), 'utf8').trim().split('\n').at(-1), '*');
    assert.equal(fx.repo.git('status', '--porcelain', '--untracked-files=all').trim(), '?? .shipwright/config.json', "the user's checkout only has the config the test wrote");
  });

  test('when the weak model holds quality the cheaper profile is recommended, and --yes writes its routing into the config', async () => {
    const { fx } = await setup([]);
    const r = await evalCli(fx, '--profile', 'large', '--profile', 'small', '--concurrency', '2', '--out', join(fx.repo.tmp, 'out'), '--recommend', '--yes');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /small\s+3\/3\s+100\.0 %/);
    assert.match(r.out, /large\s+3\/3\s+100\.0 %/);
    assert.match(r.out, /Recommended: small — small has the best pass rate \(100\.0 %\) at the lowest cost per resolved instance \(\$0\.\d+\) of the profiles within 5\.0 % of it; the others: large 100\.0 % at \$0\.\d+/);
    const config = JSON.parse(readFileSync(join(fx.repo.dir, '.shipwright', 'config.json'), 'utf8'));
    assert.deepEqual(config.chains, allOn('haiku'), 'the routing of small is now the config\'s own');
    assert.ok(config.profiles.large, 'the profiles are kept');
  });

  test('--budget caps the whole evaluation: runs get what is left, and stop when it is spent', async () => {
    const { fx } = await setup([]);
    // One calculator ticket on Sonnet costs about $0.01–0.02 here: $0.03 covers one run, not three.
    const r = await evalCli(fx, '--profile', 'large', '--out', join(fx.repo.tmp, 'out'), '--budget', '0.03', '--json');
    assert.equal(r.code, 0, r.err);
    const report = EvalReport.parse(JSON.parse(r.out));
    const spent = report.instances.reduce((n, i) => n + i.usd, 0);
    const states = report.instances.map((i) => [i.endState, i.usd.toFixed(4)]);
    assert.ok(spent <= 0.03 + 1e-9, `spent $${spent} of a $0.03 evaluation budget: ${JSON.stringify(states)}`);
    assert.ok(spent > 0.005, `the runs did spend: ${JSON.stringify(states)}`);
    assert.ok(report.instances.some((i) => i.endState === 'budget-exceeded' || i.endState === 'not-run'), `the budget stopped a run: ${JSON.stringify(states)}`);
  });
});
