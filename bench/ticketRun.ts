import { defaultConfig } from '../src/core/config/defaultConfig';
import { resolveConfig, type ConfigOverrides } from '../src/core/config/loadConfig';
import type { ShipwrightConfig } from '../src/core/config/shipwrightConfig';
import { ShipwrightEngine } from '../src/core/engine/shipwrightEngine';
import type { RunState } from '../src/core/pipeline/runState';
import type { Ticket } from '../src/core/ticket/ticket';
import { startFakeAnthropic } from '../test/fakes/fakeAnthropicServer';
import { startFakeOllama } from '../test/fakes/fakeOllamaServer';
import type { FakeModelServer, Responder } from '../test/fakes/fakeScript';
import type { ApprovalPort } from '../src/core/ports/approvalPort';
import { fixtureTicket } from '../test/fixtures/fixtureTicket';

/** Every chain on one local model (the fake Ollama answers everything). */
export const LOCAL_CHAINS: ConfigOverrides = {
  chains: Object.fromEntries(Object.keys(defaultConfig.chains).map((r) => [r, r === 'validation' ? ['local-small'] : ['local-large']])),
};

/** Every chain on Anthropic, as perf-2026-11.md §2: Sonnet for most roles, Opus for design and planning, Haiku validates. */
export const CLOUD_CHAINS: ConfigOverrides = {
  chains: Object.fromEntries(Object.keys(defaultConfig.chains).map((r) => [r, r === 'validation' ? ['haiku'] : r === 'techSpec' || r === 'planning' ? ['opus'] : ['sonnet']])),
};

const approveAll: ApprovalPort = {
  approveDeliverable: async () => ({ decision: 'approve' }),
  reviewFiles: async (req) => req.files.map((f) => ({ path: f.path, decision: 'approve', contentHash: f.contentHash })),
};

/** The calculator's feature ticket (test/fixtures/tickets/feature-add-subtract.md). */
export function featureTicket(): Ticket {
  return fixtureTicket('feature-add-subtract.md');
}

/** A finished ticket run and how long the engine took. */
export interface TicketRun {
  state: RunState;
  config: ShipwrightConfig;
  /** Wall time of `engine.run`, ms (engine + fake model + tests; the fakes answer at once). */
  ms: number;
  ollama: FakeModelServer;
  anthropic: FakeModelServer;
}

/**
 * Runs `ticket` once through the real engine on `repoDir`, against both fake model servers over real HTTP.
 * `node --test test/` is the test command (the calculator fixture's tests). `anthropicTokenRatio` overrides the fake
 * Anthropic's tokens per o200k token (default: its model table, 1.3 on the 5.5 models).
 */
export async function runTicket(opts: { repoDir: string; ticket: Ticket; respond: Responder; chains: ConfigOverrides; extra?: ConfigOverrides; anthropicTokenRatio?: number }): Promise<TicketRun> {
  const ollama = await startFakeOllama({ respond: opts.respond });
  const anthropic = await startFakeAnthropic({ respond: opts.respond, tokenRatio: opts.anthropicTokenRatio });
  try {
    const config = resolveConfig([
      opts.chains,
      { ollamaHost: ollama.url, anthropicBaseUrl: anthropic.url, testCommand: 'node --test test/', testTimeoutMs: 60_000, callTimeoutMs: 60_000, budgetUsd: 50 },
      opts.extra ?? {},
    ]);
    const engine = await ShipwrightEngine.create({ workspaceRoot: opts.repoDir, config, approvals: approveAll, env: {}, anthropicApiKey: 'bench-key' });
    const t0 = performance.now();
    const state = await engine.run(opts.ticket);
    const ms = performance.now() - t0;
    return { state, config, ms, ollama, anthropic };
  } finally {
    await Promise.all([ollama.close(), anthropic.close()]);
  }
}
