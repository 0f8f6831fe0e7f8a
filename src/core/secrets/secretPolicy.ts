import type { SecretPolicy } from './readForPrompt';
import { secretValues } from './readForPrompt';
import { DEFAULT_SECRET_FILES } from './secretPaths';

/**
 * The secret policy of a worktree: the built-in secret-file globs plus the configured ones (`secretFiles`), and
 * the values the worktree's secret files hold (a copied `.env`), read now.
 */
export async function secretPolicy(worktreePath: string, configured: readonly string[]): Promise<SecretPolicy> {
  const patterns = [...DEFAULT_SECRET_FILES, ...configured];
  return { patterns, values: await secretValues(worktreePath, patterns) };
}
