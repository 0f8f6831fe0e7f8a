import type { Context } from 'mocha';
import { detectSandbox, type SandboxAvailability } from '../../../src/core/sandbox/detectSandbox';

/**
 * The working bubblewrap of this machine. Where it is missing the suite is skipped locally, but fails in CI
 * (`CI=true`): CI installs bubblewrap (scripts/install-test-deps.sh), so a missing one there is a broken set-up,
 * never a reason to report the sandbox as tested.
 */
export async function requireSandbox(ctx: Context): Promise<Extract<SandboxAvailability, { ok: true }>> {
  const a = await detectSandbox();
  if (a.ok) return a;
  if (process.env.CI === 'true') throw new Error(`CI must run the sandbox tests for real: ${a.reason}; ${a.advice}`);
  ctx.skip();
  throw new Error('unreachable: skip() throws');
}
