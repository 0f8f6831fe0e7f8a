import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/core/config/loadConfig';
import { resolvePhaseModels } from '../../src/core/engine/resolvePhaseModels';
import { startFakeOllama } from '../fakes/fakeOllamaServer';
import { refusedUrl } from '../fakes/providerCallContract';

suite('resolvePhaseModels: which model will really run per phase, before a run', () => {
  test('with Ollama up and no key: the local model of each chain, the cloud ones skipped with the reason', async () => {
    const ollama = await startFakeOllama({ models: [{ name: 'qwen3-coder:30b', contextLength: 262_144 }, { name: 'qwen2.5-coder:7b', contextLength: 32_768 }] });
    try {
      const r = await resolvePhaseModels(resolveConfig([{ ollamaHost: ollama.url }]), { env: {}, roles: ['techSpec', 'implementation', 'validation'] });
      assert.equal(r.ok, true);
      assert.deepEqual(r.phases.map((p) => [p.role, p.modelKey]), [['techSpec', 'local-large'], ['implementation', 'local-large'], ['validation', 'local-small']]);
      assert.deepEqual(r.phases[0].skipped.map((s) => s.modelKey), ['opus', 'sonnet']);
      assert.match(r.phases[0].skipped[0].reason, /no Anthropic API key/);
      // What the run's router leaves out: every cloud model of the config, with the error it would have failed with.
      assert.deepEqual(Object.keys(r.ruledOut).sort(), ['haiku', 'opus', 'sonnet']);
      assert.equal(r.ruledOut.opus.reason, 'auth');
      assert.equal(ollama.requests.length, 0, 'no model was called');
    } finally {
      await ollama.close();
    }
  });

  test('with a key and Ollama down: the cloud models, and a model not pulled is named with the pull command', async () => {
    const down = await refusedUrl(() => startFakeOllama());
    const r = await resolvePhaseModels(resolveConfig([{ ollamaHost: down }]), { env: { ANTHROPIC_API_KEY: 'k' }, roles: ['techSpec', 'implementation', 'validation'] });
    assert.deepEqual(r.phases.map((p) => p.modelKey), ['opus', 'sonnet', 'haiku']);
    assert.match(r.phases[1].skipped[0].reason, /Ollama is not answering/);
    // A server that did not answer the probe may answer the call: only a missing key or model is ruled out for the run.
    assert.deepEqual(r.ruledOut, {});
    const ollama = await startFakeOllama({ models: [{ name: 'qwen3-coder:30b', contextLength: 262_144 }] });
    try {
      const r2 = await resolvePhaseModels(resolveConfig([{ ollamaHost: ollama.url }]), { env: {}, roles: ['validation'] });
      assert.equal(r2.ok, false);
      assert.match(r2.phases[0].skipped[0].reason, /ollama pull qwen2\.5-coder:7b/);
      assert.equal(r2.ruledOut['local-small']?.reason, 'modelNotFound');
      assert.match(r2.advice, /No model of the chain can be used for: validation/);
    } finally {
      await ollama.close();
    }
  });
});
