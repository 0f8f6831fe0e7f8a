import * as assert from 'node:assert/strict';
import { resolveConfig } from '../../src/core/config/loadConfig';
import { checkModelSetup } from '../../src/vscode/modelSetup';
import { startFakeOllama } from '../fakes/fakeOllamaServer';

suite('model set-up check (which model each phase will really run on)', () => {
  test('with Ollama holding only the small model and no key, phases whose chains lack a runnable model say so; the validator runs locally', async () => {
    const ollama = await startFakeOllama({ models: [{ name: 'qwen2.5-coder:7b', contextLength: 32_768 }] });
    try {
      const config = resolveConfig([{ ollamaHost: ollama.url }], 'test');
      const { setup, choices, ruledOut } = await checkModelSetup(config, undefined, { setting: '', env: undefined });
      assert.equal(setup.ollama.reachable, true);
      // What the extension hands the run's router: the cloud models (no key) and the model not pulled.
      assert.deepEqual(Object.keys(ruledOut ?? {}).sort(), ['haiku', 'local-large', 'opus', 'sonnet']);
      assert.equal(setup.ollama.hostFrom, 'file');
      assert.deepEqual(setup.notPulled, ['qwen3-coder:30b']);
      const discovery = setup.phases.find((p) => p.phase === 'discovery');
      assert.equal(discovery?.modelKey, undefined);
      assert.deepEqual(discovery?.skipped, [{ modelKey: 'local-large', why: 'qwen3-coder:30b not pulled' }, { modelKey: 'sonnet', why: 'no Anthropic key' }]);
      assert.equal(setup.phases.find((p) => p.phase === 'validation')?.modelKey, 'local-small');
      assert.equal(setup.ready, false);
      assert.equal(choices.find((c) => c.key === 'sonnet')?.unavailable, 'no Anthropic key');
      assert.equal(choices.find((c) => c.key === 'sonnet')?.inputUsdPerMTok, 2);
    } finally {
      await ollama.close();
    }
  });

  test('with both local models and a key, design goes to opus and the everyday phases stay local; nothing answering is said in words', async () => {
    const ollama = await startFakeOllama({});
    const url = ollama.url;
    try {
      const { setup } = await checkModelSetup(resolveConfig([{ ollamaHost: url }], 'test'), 'sk-test', { setting: url, env: undefined });
      assert.equal(setup.ready, true);
      assert.equal(setup.ollama.hostFrom, 'settings');
      assert.equal(setup.phases.find((p) => p.phase === 'techSpec')?.modelKey, 'opus');
      assert.equal(setup.phases.find((p) => p.phase === 'implementation')?.modelKey, 'local-large');
    } finally {
      await ollama.close();
    }
    const { setup } = await checkModelSetup(resolveConfig([{ ollamaHost: url }], 'test'), undefined, { setting: '', env: undefined });
    assert.equal(setup.ollama.reachable, false);
    assert.equal(setup.ollama.problem, 'nothing is listening there');
    assert.equal(setup.phases.every((p) => p.modelKey === undefined), true);
  });
});
