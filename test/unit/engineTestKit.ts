import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/core/config/defaultConfig';
import { resolveConfig, type ConfigOverrides } from '../../src/core/config/loadConfig';
import { ShipwrightEngine } from '../../src/core/engine/shipwrightEngine';
import type { PipelineEvent } from '../../src/core/pipeline/pipelineEvent';
import type { ApprovalPort } from '../../src/core/ports/approvalPort';
import { startFakeAnthropic } from '../fakes/fakeAnthropicServer';
import { startFakeOllama } from '../fakes/fakeOllamaServer';
import type { FakeModelServer, Responder } from '../fakes/fakeScript';
import { makeFixtureRepo, type FixtureRepo } from '../fixtures/fixtureRepo';

/** Local models the fake Ollama serves in engine tests (context lengths in tokens). */
export const LOCAL_MODELS = [
  { name: 'qwen2.5-coder:7b', contextLength: 32_768 },
  { name: 'qwen3-coder:30b', contextLength: 262_144 },
];

/** Chains for tests: the defaults, but local first for techSpec and planning too (the defaults put the cloud first). */
export const LOCAL_FIRST: ConfigOverrides = {
  chains: { ...defaultConfig.chains, techSpec: ['local-large', 'sonnet'], planning: ['local-large', 'sonnet'] },
};

/** Approvals that accept every checkpoint and file (what a person clicking "approve" would do). */
export const approveAll: ApprovalPort = {
  approveDeliverable: async () => ({ decision: 'approve' }),
  reviewFiles: async (req) => req.files.map((f) => ({ path: f.path, decision: 'approve', contentHash: f.contentHash })),
};

/** A real fixture repository, both fake model servers, and an engine wired to them through the real clients. */
export interface EngineKit {
  repo: FixtureRepo;
  ollama: FakeModelServer;
  anthropic: FakeModelServer;
  engine: ShipwrightEngine;
  events: PipelineEvent[];
  close(): Promise<void>;
}

/** Builds an {@link EngineKit}; `config` layers over the defaults and {@link LOCAL_FIRST}. */
export async function engineKit(opts: { ollama?: Responder; anthropic?: Responder; config?: ConfigOverrides; fixture?: string; cacheMinimums?: Record<string, number>; openaiApiKey?: string; noAnthropicKey?: boolean; spendDir?: string } = {}): Promise<EngineKit> {
  const repo = makeFixtureRepo(opts.fixture ?? 'calculator');
  const ollama = await startFakeOllama({ models: LOCAL_MODELS, respond: opts.ollama });
  const anthropic = await startFakeAnthropic({ respond: opts.anthropic, cacheMinimums: opts.cacheMinimums });
  const config = resolveConfig([
    LOCAL_FIRST,
    { ollamaHost: ollama.url, anthropicBaseUrl: anthropic.url, testCommand: 'npm test', testTimeoutMs: 60_000, callTimeoutMs: 20_000, retry: { maxRetries: 1, maxRetryAfterMs: 200 } },
    opts.config ?? {},
  ]);
  // The user's spend store, in a folder of its own: never the real state folder, never inside the repository's temp folder.
  const spendDir = opts.spendDir ?? mkdtempSync(join(tmpdir(), 'shipwright-spend-'));
  const engine = await ShipwrightEngine.create({ workspaceRoot: repo.dir, config, approvals: approveAll, env: {}, anthropicApiKey: opts.noAnthropicKey ? undefined : 'test-key', openaiApiKey: opts.openaiApiKey, spendDir });
  const events: PipelineEvent[] = [];
  engine.onEvent((e) => events.push(e));
  return {
    repo, ollama, anthropic, engine, events,
    close: async () => {
      await Promise.all([ollama.close(), anthropic.close()]);
      repo.cleanup();
      if (!opts.spendDir) rmSync(spendDir, { recursive: true, force: true });
    },
  };
}
