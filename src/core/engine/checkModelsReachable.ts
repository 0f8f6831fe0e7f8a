import type { ShipwrightConfig } from '../config/shipwrightConfig';
import { checkOpenAiEndpoints, type OpenAiEndpointCheck } from '../models/checkOpenAiEndpoints';
import { connectableOllamaHost } from '../models/ollamaHost';
import { DEFAULT_OLLAMA_HOST, OllamaProvider } from '../models/ollamaProvider';

/** What a run could reach before it starts. */
export interface Reachability {
  ollama: { host: string; reachable: boolean; models: string[]; error?: string };
  anthropic: { hasKey: boolean };
  /** Each OpenAI-compatible server the config names (empty when it names none). */
  openai: OpenAiEndpointCheck[];
  /** True when at least one provider can be used. */
  ok: boolean;
  /** For people: what is missing and how to fix it (empty when ok). */
  advice: string;
}

/**
 * Checks, before a run spends anything, that some model can answer: Ollama's `/api/tags` at the configured host
 * (within `timeoutMs`), and whether an Anthropic key is set. No model is called.
 */
export async function checkModelsReachable(
  config: ShipwrightConfig,
  env: NodeJS.ProcessEnv,
  anthropicApiKey?: string,
  timeoutMs = 3_000,
  openaiApiKey?: string,
): Promise<Reachability> {
  // The address a client can connect to: `0.0.0.0`, `::`, no scheme or no port are all valid OLLAMA_HOST forms.
  const host = connectableOllamaHost(config.ollamaHost ?? env.OLLAMA_HOST ?? DEFAULT_OLLAMA_HOST);
  const ollama: Reachability['ollama'] = { host, reachable: false, models: [] };
  try {
    ollama.models = await new OllamaProvider({ host }).listModels(timeoutMs);
    ollama.reachable = true;
  } catch (e) {
    ollama.error = e instanceof Error ? e.message : String(e);
  }
  const hasKey = Boolean(anthropicApiKey ?? env.ANTHROPIC_API_KEY);
  const openai = await checkOpenAiEndpoints(config, env, openaiApiKey, timeoutMs);
  const ok = ollama.reachable || hasKey || openai.some((o) => o.reachable);
  const localModels = [...new Set(Object.values(config.models).filter((m) => m.provider === 'ollama').map((m) => m.model))];
  const advice = ok
    ? ''
    : [
        `No model can be reached: Ollama is not answering at ${host} (${ollama.error ?? 'no answer'}) and no Anthropic API key is set.`,
        `- Local: install Ollama, run \`ollama serve\`, then \`ollama pull ${localModels[0] ?? 'qwen2.5-coder:7b'}\`` +
          `${localModels.length > 1 ? ` (and ${localModels.slice(1).join(', ')})` : ''}; set OLLAMA_HOST if it listens elsewhere.`,
        '- Cloud: export ANTHROPIC_API_KEY=<your key> (and ANTHROPIC_BASE_URL for a proxy).',
        ...openai.map((o) => `- OpenAI-compatible server ${o.baseUrl} is not answering: ${o.error ?? 'no answer'}.`),
      ].join('\n');
  return { ollama, anthropic: { hasKey }, openai, ok, advice };
}
