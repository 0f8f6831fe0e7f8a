import OpenAI from 'openai';
import type { ShipwrightConfig } from '../config/shipwrightConfig';
import { DEFAULT_OPENAI_BASE_URL } from './openaiProvider';
import { OPENAI_PRESETS } from './openaiPresets';

/** One OpenAI-compatible server the config names, and whether it answered `GET /models`. */
export interface OpenAiEndpointCheck {
  baseUrl: string;
  reachable: boolean;
  /** Model ids the server lists (empty when unreachable). */
  models: string[];
  error?: string;
}

/**
 * Asks every distinct OpenAI-compatible server named by the config's `openai` models for its model list
 * (`GET {baseUrl}/models` through the `openai` client, within `timeoutMs`, no retries). No model is called.
 * Never throws: a failure is `reachable: false` with the error text.
 */
export async function checkOpenAiEndpoints(config: ShipwrightConfig, env: NodeJS.ProcessEnv, apiKey?: string, timeoutMs = 3_000): Promise<OpenAiEndpointCheck[]> {
  const servers = new Map<string, string | undefined>();
  for (const m of Object.values(config.models)) {
    if (m.provider !== 'openai') continue;
    const preset = m.preset ? OPENAI_PRESETS[m.preset] : undefined;
    const baseUrl = m.baseUrl ?? preset?.baseUrl ?? (env.OPENAI_BASE_URL || DEFAULT_OPENAI_BASE_URL);
    const keyEnv = m.openai?.apiKeyEnv ?? preset?.apiKeyEnv;
    const key = keyEnv && keyEnv !== 'OPENAI_API_KEY' ? env[keyEnv] : apiKey ?? env.OPENAI_API_KEY;
    servers.set(baseUrl, key || (preset?.local ? 'not-needed' : undefined));
  }
  return Promise.all(
    [...servers].map(async ([baseUrl, key]): Promise<OpenAiEndpointCheck> => {
      if (!key && !/^https?:\/\/(localhost|127\.|\[::1\])/.test(baseUrl)) return { baseUrl, reachable: false, models: [], error: 'no API key' };
      try {
        const client = new OpenAI({ apiKey: key ?? 'not-needed', baseURL: baseUrl, maxRetries: 0, timeout: timeoutMs });
        const page = await client.models.list();
        return { baseUrl, reachable: true, models: page.data.map((d) => d.id) };
      } catch (e) {
        return { baseUrl, reachable: false, models: [], error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}
