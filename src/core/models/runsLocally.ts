import type { ModelSpec } from '../config/shipwrightConfig';
import { isOllamaCloudModel } from './ollamaProvider';
import { DEFAULT_OPENAI_BASE_URL, OPENAI_PRESETS } from './openaiPresets';

/**
 * Whether a model runs on this machine, which is what "local" means in every cost split (CLI, panel, status bar):
 * an Ollama model that is not one of Ollama's cloud models (`…-cloud`/`…:cloud`, proxied to ollama.com), or an
 * OpenAI-compatible server whose base URL is on the loopback (LM Studio, llama.cpp, vLLM on `localhost`). The
 * base URL is resolved as the OpenAI provider resolves it: the entry's, then its preset's, then `OPENAI_BASE_URL`.
 */
export function runsLocally(spec: Pick<ModelSpec, 'provider' | 'model' | 'baseUrl' | 'preset'>, env: NodeJS.ProcessEnv = process.env): boolean {
  if (spec.provider === 'ollama') return !isOllamaCloudModel(spec.model);
  if (spec.provider !== 'openai') return false;
  const preset = spec.preset ? OPENAI_PRESETS[spec.preset] : undefined;
  if (!spec.baseUrl && preset) return preset.local;
  return isLoopbackUrl(spec.baseUrl ?? (env.OPENAI_BASE_URL || DEFAULT_OPENAI_BASE_URL));
}

/** True for a URL on this machine (localhost, 127.x, [::1]); false for anything unparsable. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
  } catch {
    return false;
  }
}
