import type { ShipwrightConfig } from '../config/shipwrightConfig';
import { DEFAULT_SECRET_FILES } from '../secrets/secretPaths';
import { buildRepoMap } from '../workspace/repoMap';
import type { PhaseContext } from './phaseContext';
import type { Role } from './phaseId';
import { ticketKeywords } from './ticketKeywords';

/** Share of a model's context window the map may take at most (Aider sizes its map at window/8 with files in chat). */
const MAX_CONTEXT_SHARE = 1 / 16;

/**
 * The map budget of a call, tokens: `config.repoMapTokens` × `share`, and never more than 1/16 of `contextLength`,
 * the context of the first model of the role's chain (a small local model is not handed a map that crowds out the
 * ticket; unknown before Ollama's `/api/show` answers, then only the configured budget applies).
 */
export function repoMapBudget(config: Pick<ShipwrightConfig, 'repoMapTokens'>, contextLength: number | undefined, share = 1): number {
  const cap = contextLength === undefined ? Infinity : Math.floor(contextLength * MAX_CONTEXT_SHARE);
  return Math.max(200, Math.floor(Math.min(config.repoMapTokens, cap) * share));
}

/**
 * The repository map of the ticket's worktree as prompt text, ranked by the ticket's words (and `keywords`, e.g.
 * the files a design names), within {@link repoMapBudget}. The scan is kept per worktree and refreshed for changed
 * files only (see buildRepoMap), so the phases of a ticket share one scan.
 */
export async function repoMapFor(ctx: PhaseContext, role: Role, opts: { share?: number; keywords?: string[] } = {}): Promise<string> {
  return (await buildRepoMap(ctx.worktree.path, {
    tokenBudget: repoMapBudget(ctx.config, ctx.config.models[ctx.session.peek(role, 0).modelKey]?.contextLength, opts.share),
    keywords: [...ticketKeywords(ctx.ticket), ...(opts.keywords ?? [])],
    secretFiles: [...DEFAULT_SECRET_FILES, ...ctx.config.secretFiles],
  })).text;
}
