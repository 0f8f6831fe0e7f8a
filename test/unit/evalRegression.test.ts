import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EvalReport } from '../../src/core/eval/evalReport';
import { startFakeAnthropic } from '../fakes/fakeAnthropicServer';
import type { FakeModelServer } from '../fakes/fakeScript';
import { opOf } from '../fakes/scriptedModel';
import { allOn, evalFixture, modelDependentResponder, shipwrightAsync, writeConfig, type EvalFixture } from './evalTestKit';

const root = join(__dirname, '..', '..', '..');

suite('shipwright eval: the regression check for CI, and resuming after a crash', function () {
  this.timeout(240_000); // whole pipelines on a real repository, twice
  let fx: EvalFixture | undefined;
  let anthropic: FakeModelServer | undefined;
  teardown(async () => {
    await anthropic?.close();
    fx?.repo.cleanup();
  });

  const start = async (tokens?: { input: number; output: number }) => {
    fx = evalFixture();
    anthropic = await startFakeAnthropic({ respond: modelDependentResponder({ weakModels: [], wrongOps: [], tokens }) });
    writeConfig(fx.repo.dir, {
      anthropicBaseUrl: anthropic.url, ollamaHost: 'http://127.0.0.1:9', testTimeoutMs: 60_000, callTimeoutMs: 20_000,
      retry: { maxRetries: 0, maxRetryAfterMs: 100 }, profiles: { small: { chains: allOn('haiku') } },
    });
    return { fx, anthropic };
  };
  const env = { ANTHROPIC_API_KEY: 'test-key' };

  test('--baseline passes an equal run and fails (exit 1) when the cost per resolved instance doubles', async () => {
    const { fx, anthropic } = await start({ input: 1_000, output: 200 });
    const first = await shipwrightAsync(['eval', fx.suiteFile, '--workspace', fx.repo.dir, '--profile', 'small', '--out', join(fx.repo.tmp, 'o1'), '--json'], { cwd: fx.repo.tmp, env });
    assert.equal(first.code, 0, first.err);
    const baseline = EvalReport.parse(JSON.parse(first.out));
    assert.equal(baseline.profiles[0].resolved, 3);
    const baselineFile = join(fx.repo.tmp, 'baseline.json');
    writeFileSync(baselineFile, first.out);

    // A prompt change that makes every call twice as long: same calls, twice the tokens, twice the cost.
    anthropic.respond(modelDependentResponder({ weakModels: [], wrongOps: [], tokens: { input: 2_000, output: 400 } }));
    const second = await shipwrightAsync(['eval', fx.suiteFile, '--workspace', fx.repo.dir, '--profile', 'small', '--out', join(fx.repo.tmp, 'o2'), '--baseline', baselineFile], { cwd: fx.repo.tmp, env });
    assert.equal(second.code, 1, `${second.out}\n${second.err}`);
    assert.match(second.err, /regression: small: \$0\.\d{4} per resolved instance, 2\.00× the baseline's \$0\.\d{4} \(limit 2×\)/);
    assert.doesNotMatch(second.err, /pass rate/, 'quality held; only the cost regressed');

    // The same figures as the baseline: no regression, exit 0.
    const same = await shipwrightAsync(['eval', fx.suiteFile, '--workspace', fx.repo.dir, '--profile', 'small', '--out', join(fx.repo.tmp, 'o1'), '--baseline', baselineFile], { cwd: fx.repo.tmp, env });
    assert.equal(same.code, 0, same.err);
    assert.match(same.out, /No regression against the baseline/);
    assert.match(same.out, /\(from an earlier run\)/, 'the finished runs of o1 were reused, not run again');
  });

  test('killed mid-evaluation (SIGKILL), the same command resumes: finished runs are kept, the interrupted one continues', async () => {
    const { fx, anthropic } = await start();
    const out = join(fx.repo.tmp, 'out');
    const results = join(out, 'results');
    const args = [join(root, 'dist', 'cli.js'), 'eval', fx.suiteFile, '--workspace', fx.repo.dir, '--profile', 'small', '--out', out];
    let killedAt = -1;
    const child = spawn(process.execPath, args, { cwd: fx.repo.tmp, env: { PATH: process.env.PATH ?? '', HOME: fx.repo.tmp, ...env }, stdio: 'ignore' });
    const normal = modelDependentResponder({ weakModels: [], wrongOps: [] });
    anthropic.respond((req) => {
      // Once the first instance's result is on disk, the next run is under way: crash in the middle of it.
      if (killedAt < 0 && existsSync(results) && readdirSync(results).some((f) => f.endsWith('.json')) && req.schemaName === 'TechSpec') {
        killedAt = anthropic.requests.length;
        child.kill('SIGKILL');
        return { hang: true };
      }
      return normal(req);
    });
    await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    assert.equal(child.signalCode, 'SIGKILL');
    assert.deepEqual(readdirSync(results).filter((f) => f.endsWith('.json')).length, 1, 'one run finished before the crash');
    anthropic.respond(normal);

    const again = await shipwrightAsync(['eval', fx.suiteFile, '--workspace', fx.repo.dir, '--profile', 'small', '--out', out, '--json'], { cwd: fx.repo.tmp, env });
    assert.equal(again.code, 0, again.err);
    assert.match(again.err, /PASS {2}calculator-subtract × small: .*\(from an earlier run\)/);
    assert.match(again.err, /resume calculator-multiply × small/);
    const report = EvalReport.parse(JSON.parse(again.out));
    assert.deepEqual(report.instances.map((i) => [i.instance, i.resolved]), [['calculator-subtract', true], ['calculator-multiply', true], ['calculator-divide-by-zero', true]]);
    const after = anthropic.requests.slice(killedAt);
    assert.ok(after.every((r) => opOf(r) !== 'subtract'), 'the finished instance was not run again');
    assert.ok(!after.some((r) => opOf(r) === 'multiply' && r.schemaName === 'FunctionalSpec'), 'the interrupted run kept its finished discovery phase');
  });
});
