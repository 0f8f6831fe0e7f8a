import type { ChatResult } from './modelProvider';

/**
 * What a finished call's stop reason means for the session:
 * - `answer`: the model ended on its own (`end_turn`, `tool_use`, Ollama `stop`…): parse and validate it.
 * - `cut`: the output cap ended it (Anthropic `max_tokens`, Ollama/OpenAI `length`): the JSON may be incomplete;
 *   "retry with a higher max_tokens" (https://platform.claude.com/docs/en/build-with-claude/structured-outputs, "Invalid outputs").
 * - `refused`: the model declined (`refusal`, with `stopDetail` the category; SDK `RefusalStopDetails`).
 * - `contextExceeded`: `model_context_window_exceeded` (SDK `StopReason`).
 */
export type StopOutcome = { kind: 'answer' } | { kind: 'cut' } | { kind: 'refused'; category?: string } | { kind: 'contextExceeded' };

/** Classifies `result.stopReason` (an unknown or missing reason counts as an answer, left to the zod check). */
export function stopOutcomeOf(result: Pick<ChatResult, 'stopReason' | 'stopDetail'>): StopOutcome {
  switch (result.stopReason) {
    case 'max_tokens':
    case 'length':
      return { kind: 'cut' };
    case 'refusal':
      return { kind: 'refused', category: result.stopDetail };
    case 'model_context_window_exceeded':
      return { kind: 'contextExceeded' };
    default:
      return { kind: 'answer' };
  }
}
