/**
 * A problem with what the evaluation was given — the suite file, a profile, a repository, the baseline — found
 * before or while setting up; the CLI exits with code 2. `reason` tags the kind for callers and tests.
 */
export class EvalSetupError extends Error {
  override readonly name = 'EvalSetupError';
  constructor(
    readonly reason: 'suite' | 'profile' | 'repo' | 'baseline' | 'models' | 'usage',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
