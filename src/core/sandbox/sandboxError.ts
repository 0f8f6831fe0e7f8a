/**
 * Why a command could not be confined:
 * - unavailable: the sandbox is `auto` on Linux but bubblewrap is missing or cannot start (the message says how
 *   to install it, or how to turn the sandbox off knowingly)
 */
export type SandboxErrorReason = 'unavailable';

/** A command the engine would run could not be confined; nothing was run. */
export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  constructor(readonly reason: SandboxErrorReason, message: string) {
    super(message);
  }

  /** True when `e` is a SandboxError, with `reason` when given. */
  static is(e: unknown, reason?: SandboxErrorReason): e is SandboxError {
    return e instanceof SandboxError && (reason === undefined || e.reason === reason);
  }
}
