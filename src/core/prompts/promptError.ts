/**
 * Why a prompt could not be rendered:
 * - unknownPrompt: no prompt file of that name in prompts/
 * - missingVariable: the template uses a `{{variable}}` the caller did not give
 * - malformedTemplate: the prompt file breaks the format (see `parsePromptTemplate`)
 */
export type PromptErrorReason = 'unknownPrompt' | 'missingVariable' | 'malformedTemplate';

/** A prompt that could not be rendered; `prompt` names the file (without `.md`). */
export class PromptError extends Error {
  override readonly name = 'PromptError';
  constructor(
    readonly reason: PromptErrorReason,
    readonly prompt: string,
    message: string,
    /** For `missingVariable`: every variable that was missing, in order of first use. */
    readonly missing: readonly string[] = [],
  ) {
    super(`prompt "${prompt}": ${message}`);
  }

  static is(e: unknown, reason?: PromptErrorReason): e is PromptError {
    return e instanceof PromptError && (reason === undefined || e.reason === reason);
  }
}
