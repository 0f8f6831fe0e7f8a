import { z } from 'zod';
import { OPENAI_PRESET_NAMES } from '../models/openaiPresets';
import { PhaseId, Role } from '../pipeline/phaseId';
import { DEFAULT_SANDBOX, SandboxSettings } from '../sandbox/sandboxSettings';
import { capabilitiesOf, Effort, ModelCapabilitiesOverride } from './modelCapabilities';

/**
 * A model's price in USD per million tokens. `source` and `date` say where the figure was read, so a stale
 * price is visible. `longContext` applies to a whole call when its prompt (input + cache write + cache read)
 * exceeds `aboveTokens` (Anthropic bills such calls at a higher rate, e.g. Haiku 5.5 above 100k tokens).
 */
export const Price = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheWrite: z.number().nonnegative(),
  cacheRead: z.number().nonnegative(),
  /** A 1-hour cache write; default 2× `input` (see priceCall). */
  cacheWrite1h: z.number().nonnegative().optional(),
  source: z.string().min(1),
  date: z.string().min(1),
  longContext: z
    .object({
      aboveTokens: z.number().int().positive(),
      input: z.number().nonnegative(),
      output: z.number().nonnegative(),
      cacheWrite: z.number().nonnegative(),
      cacheRead: z.number().nonnegative(),
      cacheWrite1h: z.number().nonnegative().optional(),
    })
    .optional(),
});
export type Price = z.infer<typeof Price>;

/** A model the router may pick, named by a key of `models` in the config. */
export const ModelSpec = z.object({
  provider: z.enum(['ollama', 'anthropic', 'openai']),
  /** The provider's model id. */
  model: z.string().min(1),
  /** Context window in tokens. For Ollama, the value read from `/api/show` wins when this is absent. */
  contextLength: z.number().int().positive().optional(),
  /**
   * Output cap per call (Anthropic `max_tokens`, Ollama `num_predict`), tokens, thinking included. Default:
   * {@link outputCapFor} — room for thinking on models that think, never above the model's own ceiling.
   */
  maxOutputTokens: z.number().int().positive().optional(),
  /** What the model accepts; anything left out comes from the built-in table for its id (see modelCapabilities). */
  capabilities: ModelCapabilitiesOverride.optional(),
  price: Price,
  /** `openai` only: the server's base URL with `/v1`; default the preset's, else `OPENAI_BASE_URL`, else api.openai.com. */
  baseUrl: z.url().optional(),
  /** `openai` only: a known runtime (see openaiPresets.ts) that supplies `baseUrl`, capabilities and, when local, a zero price. */
  preset: z.enum(OPENAI_PRESET_NAMES).optional(),
  /** `openai` only: capabilities that differ from the preset's, and the environment variable holding this server's key. */
  openai: z
    .object({
      strict: z.boolean(),
      includeUsage: z.boolean(),
      maxTokensField: z.enum(['max_tokens', 'max_completion_tokens']),
      apiKeyEnv: z.string().min(1),
    })
    .partial()
    .optional(),
});
export type ModelSpec = z.infer<typeof ModelSpec>;

/**
 * Default effort per role. Thinking is billed as output (Opus 5.5 $20/MTok) and the API defaults are medium
 * (Opus, Haiku) and high (Sonnet), so every role says what it needs: validation and review give a short verdict
 * on a given text (low); discovery restates the ticket (low); design, planning, code and fixes need reasoning
 * (medium). Nothing defaults to high: a person can raise one role in config.
 */
export const DEFAULT_EFFORT: Partial<Record<Role, Effort>> = {
  discovery: 'low',
  techSpec: 'medium',
  planning: 'medium',
  implementation: 'medium',
  review: 'low',
  diagnosis: 'medium',
  split: 'medium',
  ciFix: 'medium',
  validation: 'low',
};

/** Settings of the git worktree each ticket runs in. */
export const WorktreeConfig = z.object({
  /** Folder that holds the worktrees; default: `<repo>/../.shipwright-worktrees/<repo name>`. */
  root: z.string().optional(),
  /** Git-ignored files/folders the project needs, copied into a new worktree (e.g. `.env`). */
  copy: z.array(z.string()).default(['.env']),
  /** Git-ignored folders symlinked into a new worktree (read-only inside the sandbox). */
  link: z.array(z.string()).default([]),
  /**
   * How a new worktree gets node_modules (see src/core/workspace/worktreeDependencies.ts): `auto` copies the
   * user's (copy-on-write where possible), or installs from the lockfile when they have none; `copy`, `install`,
   * `link`, `none`. A failure stops the ticket before any model call.
   */
  dependencies: z.enum(['auto', 'copy', 'install', 'link', 'none']).default('auto'),
  /** Whether `finish --merge` also brings the deliverables (`.shipwright/<id>/*.md`); by default they stay on the ticket's branch. */
  mergeDeliverables: z.boolean().default(false),
  /** A command run once in a new worktree (e.g. `npm ci`), with the test timeout. */
  setupCommand: z.string().optional(),
});

/** The whole engine configuration; read from `.shipwright/config.json` or VS Code settings, zod-checked. */
export const ShipwrightConfig = z.object({
  models: z.record(z.string(), ModelSpec),
  /** For each role, the ordered chain of model keys: the first is tried first; errors fall through. */
  chains: z.partialRecord(Role, z.array(z.string()).min(1)),
  /**
   * Effort per role (`output_config.effort`), sent to models that take it (clamped to the levels the model
   * accepts). Defaults chosen for cost, see README "Effort": low where the answer is a short check, medium where
   * the model designs or writes code.
   */
  effort: z.partialRecord(Role, Effort).default(DEFAULT_EFFORT),
  /** Attempts of one phase on one model before escalating to the next model of its chain. */
  attemptCap: z.number().int().min(1).max(10).default(3),
  /** Attempts the next model of the chain gets after the cap, before the ticket goes to a person. */
  escalationAttempts: z.number().int().min(0).max(5).default(1),
  /** Per-ticket budget in USD. */
  budgetUsd: z.number().positive().default(5),
  /**
   * Spend across all of the user's tickets (USD, local calendar): `dailyUsd`/`monthlyUsd` stop a call that would
   * pass them, like the ticket budget; a ticket costing over `warnMultiple` × the median of the user's
   * `recentTickets` latest tickets of its kind (at least `minTickets` of them) gets a warning.
   */
  spendLimits: z
    .object({
      dailyUsd: z.number().positive().optional(),
      monthlyUsd: z.number().positive().optional(),
      warnMultiple: z.number().min(1).default(2),
      recentTickets: z.number().int().min(1).max(500).default(20),
      minTickets: z.number().int().min(1).default(3),
    })
    .default({ warnMultiple: 2, recentTickets: 20, minTickets: 3 }),
  /** How many child tickets of an epic run at once. */
  concurrency: z.number().int().min(1).max(8).default(2),
  /** The project's test command; detected from the repository when absent. */
  testCommand: z.string().optional(),
  /** Timeout of one test-command run, ms. */
  testTimeoutMs: z.number().int().positive().default(300_000),
  /** Characters of test output kept for a model (head and tail). */
  testOutputBudgetChars: z.number().int().positive().default(8_000),
  /** Timeout of one model call, ms. */
  callTimeoutMs: z.number().int().positive().default(300_000),
  /** Bounded retry of 429/529/5xx: retries per call, and the cap on an honoured `retry-after`, ms. */
  retry: z
    .object({ maxRetries: z.number().int().min(0).max(5).default(2), maxRetryAfterMs: z.number().int().min(0).default(20_000) })
    .default({ maxRetries: 2, maxRetryAfterMs: 20_000 }),
  /** Rounds of the ciFix loop and of review → implementation. */
  fixRounds: z.number().int().min(0).max(10).default(2),
  /** Token budget of the repository map fed to discovery and planning. */
  repoMapTokens: z.number().int().positive().default(2_000),
  /** Token budget of the code shown to discovery, techSpec, planning and diagnosis (the files most relevant to the ticket). */
  codeContextTokens: z.number().int().positive().default(3_000),
  /** Phases whose deliverable waits for a person's approval before the pipeline goes on. */
  checkpoints: z.array(PhaseId).default([]),
  /**
   * Where a validator model judges a deliverable once its mechanical checks pass (the other validated phases:
   * always). `planning`: `never` by default — its checks (every acceptance criterion planned, every file of the
   * design in a task, paths inside the repository, criteria ids that exist: planChecks) compare the plan with its
   * sources of truth at no tokens, and the tests then judge the tasks; `always` adds the model (≈ 2.3k input
   * tokens on the bench's feature ticket). `review`: `on-request-changes` by default — a report asking for changes
   * (any blocker) is checked by the model before a fix round is spent on it; an approval goes to the person's diff
   * review, and the model could judge it only by re-reading the diff (≈ 1.3k tokens); `always` checks approvals too.
   */
  modelValidation: z
    .object({
      planning: z.enum(['always', 'never']).default('never'),
      review: z.enum(['always', 'on-request-changes']).default('on-request-changes'),
    })
    .default({ planning: 'never', review: 'on-request-changes' }),
  worktree: WorktreeConfig.default({ copy: ['.env'], link: [], dependencies: 'auto', mergeDeliverables: false }),
  /** Globs of files that hold secrets, added to the built-in list (DEFAULT_SECRET_FILES): never read into a prompt. */
  secretFiles: z.array(z.string().min(1)).default([]),
  /**
   * Protected places (CI workflows, CODEOWNERS, hook folders, editor and dev-container config…; see protectedPaths)
   * a person allows model edits of, as repository-relative paths (`a/` = everything under the folder). Empty by
   * default: a model edit there stops the ticket for a person, naming the paths. `.git` and `.shipwright` never.
   */
  protectedPaths: z.object({
    allow: z.array(z.string().min(1).refine((p) => !/(^|[\\/])\.(git|shipwright)[. ]*([\\/]|$)/i.test(p), { message: '.git and .shipwright can never be opened to model edits' })).default([]),
  }).default({ allow: [] }),
  /** How the test and set-up commands are confined (`"auto"` | `"off"` or the object form; see SandboxSettings). */
  sandbox: SandboxSettings.default(DEFAULT_SANDBOX),
  /**
   * Ollama: the largest `num_ctx` sent (default env OLLAMA_CONTEXT_LENGTH, else 32,768 tokens; a prompt above it is a
   * contextOverflow that moves the chain on) and the `keep_alive` of every call (default `30m`, a ticket's length).
   */
  ollama: z.object({ numCtxCeiling: z.number().int().min(2048).optional(), keepAlive: z.string().min(1).default('30m') }).default({ keepAlive: '30m' }),
  /** Endpoints; environment variables OLLAMA_HOST / ANTHROPIC_BASE_URL win when these are absent. */
  ollamaHost: z.string().optional(),
  anthropicBaseUrl: z.string().optional(),
}).superRefine((c, ctx) => {
  // A model whose capabilities contradict each other would be refused by its API on every call.
  for (const [key, spec] of Object.entries(c.models)) {
    try {
      capabilitiesOf(spec);
    } catch (e) {
      ctx.addIssue({ code: 'custom', path: ['models', key, 'capabilities'], message: (e as Error).message });
    }
  }
  // An Ollama cloud model runs on ollama.com and is not free: its price must come from config, not the local zero.
  for (const [key, spec] of Object.entries(c.models)) {
    const free = spec.price.input === 0 && spec.price.output === 0;
    if (spec.provider === 'ollama' && /[:-]cloud$/.test(spec.model) && free) {
      ctx.addIssue({ code: 'custom', path: ['models', key, 'price'], message: `${spec.model} is an Ollama cloud model: give its price (USD per million tokens) and source, it is not a local model` });
    }
  }
  // A chain that names a model the config does not define would only fail at run time, mid-ticket.
  for (const [role, chain] of Object.entries(c.chains)) {
    for (const [i, key] of (chain ?? []).entries()) {
      if (!(key in c.models)) {
        ctx.addIssue({ code: 'custom', path: ['chains', role, i], message: `unknown model "${key}" (known: ${Object.keys(c.models).join(', ')})` });
      }
    }
  }
});
export type ShipwrightConfig = z.infer<typeof ShipwrightConfig>;
export type ShipwrightConfigInput = z.input<typeof ShipwrightConfig>;
