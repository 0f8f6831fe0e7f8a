import type { PipelineEvent } from './pipelineEvent';

const count = new Intl.NumberFormat('en-US');

/**
 * A streaming reading in words: `writing… ~1,240 tokens · 52 tok/s` (the rate left out while it is 0). The count
 * carries `~`: it is the o200k count of the text streamed so far, not yet the provider's billed figure.
 */
export function streamedText(r: { outputTokens: number; tokensPerSecond: number }): string {
  const rate = r.tokensPerSecond > 0 ? ` · ${Math.round(r.tokensPerSecond)} tok/s` : '';
  return `writing… ~${count.format(r.outputTokens)} tokens${rate}`;
}

/**
 * A `progress` event in words for logs and terminals: `discovery: writing… ~1,240 tokens · 52 tok/s`
 * (`validating discovery: …` for the validator's call).
 */
export function streamingText(e: Extract<PipelineEvent, { type: 'progress' }>): string {
  return `${e.role === 'validation' ? `validating ${e.phase}` : e.phase}: ${streamedText(e)}`;
}
