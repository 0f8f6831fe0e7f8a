import { formatUsd } from '../core/models/costLedger';
import type { ModelChoiceView } from './viewState';

/**
 * A model for people, the one wording of every picker: "local-large — qwen3-coder:30b · local, free" or
 * "sonnet — claude-sonnet-5-5 · anthropic $2.00/$10.00 per M tokens in/out", with why it cannot run when it cannot.
 * "local" is where it runs (this machine), not which provider: an Ollama cloud model is "ollama $…", an
 * OpenAI-compatible server on localhost (LM Studio) is "local".
 */
export function modelLabel(c: ModelChoiceView): string {
  const free = c.inputUsdPerMTok === 0 && c.outputUsdPerMTok === 0;
  const price = free ? 'free' : `${formatUsd(c.inputUsdPerMTok)}/${formatUsd(c.outputUsdPerMTok)} per M tokens in/out`;
  const where = c.local ? `local, ${price}` : `${c.provider} ${price}`;
  return `${c.key} — ${c.model} · ${where}${c.unavailable ? ` (${c.unavailable})` : ''}`;
}
