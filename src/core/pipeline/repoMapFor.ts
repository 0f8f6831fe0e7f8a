import { DEFAULT_SECRET_FILES } from '../secrets/secretPaths';
import { buildRepoMap } from '../workspace/repoMap';
import type { PhaseContext } from './phaseContext';
import { ticketKeywords } from './ticketKeywords';

/** The repository map of the ticket's worktree as prompt text: within `config.repoMapTokens`, ranked by the ticket's words. */
export async function repoMapFor(ctx: PhaseContext): Promise<string> {
  return (await buildRepoMap(ctx.worktree.path, { tokenBudget: ctx.config.repoMapTokens, keywords: ticketKeywords(ctx.ticket), secretFiles: [...DEFAULT_SECRET_FILES, ...ctx.config.secretFiles] })).text;
}
