type Tokenizer = typeof import('gpt-tokenizer');

let tokenizer: Tokenizer | undefined;

/**
 * gpt-tokenizer, loaded on the first count. Importing it builds the o200k table: about 90–130 ms and 64 MB
 * (perf-2026-11.md §4.4), half of the bundle. Commands and activations that count nothing (status, cost, the
 * panel) never pay for it. esbuild keeps a `require` inside a function lazy: the module runs on the first call.
 */
function countTokens(text: string): number {
  tokenizer ??= require('gpt-tokenizer') as Tokenizer; // require() is untyped; this is the module imported above as a type
  return tokenizer.countTokens(text, asPlainText);
}

/**
 * Safety margin applied to the o200k count. The models Shipwright calls do not use OpenAI's o200k_base
 * vocabulary: Qwen/DeepSeek/Llama BPEs and Claude's tokenizer split code and non-English text into more
 * pieces than o200k does (commonly 10–20 % more on source code). An estimate is only used to refuse a call
 * before sending it (context overflow, budget), so erring high costs a little headroom while erring low
 * means Ollama silently drops the oldest messages. 1.2× plus a small per-text constant covers chat-template
 * tokens (role markers) that the raw text does not contain.
 */
export const ESTIMATE_MARGIN = 1.2;

/** Tokens added per estimated text for chat-template framing (role markers, separators). */
export const ESTIMATE_FRAMING_TOKENS = 4;

/** Special tokens such as `<|endoftext|>` are untrusted text here, counted as ordinary characters. */
const asPlainText = { disallowedSpecial: new Set<string>() };

/**
 * Estimated token count of `text` as a prompt part, in tokens, erring high.
 * `gpt-tokenizer`'s o200k_base count × {@link ESTIMATE_MARGIN}, rounded up, plus
 * {@link ESTIMATE_FRAMING_TOKENS}; `''` is 0. Never throws (special-token strings count as plain text).
 * The figure that counts for billing is always the provider's reported usage, never this one.
 */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  return Math.ceil(countTokens(text) * ESTIMATE_MARGIN) + ESTIMATE_FRAMING_TOKENS;
}

/**
 * The exact o200k_base token count of `text` (no margin), in tokens. The fake model servers use it to report
 * deterministic usage; production code wants {@link estimateTokens}.
 */
export function countO200kTokens(text: string): number {
  return text.length === 0 ? 0 : countTokens(text);
}
