import { z } from 'zod';

/** Token counts of one group of calls, in tokens, as the providers reported them. */
export const TokenCounts = z.object({
  input: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
  cacheWrite: z.number().int().nonnegative(),
  cacheRead: z.number().int().nonnegative(),
});
export type TokenCounts = z.infer<typeof TokenCounts>;

/** Calls of one kind of model (local Ollama or Anthropic cloud): tokens, USD, count and how many read the cache. */
export const SpendView = z.object({
  tokens: TokenCounts,
  usd: z.number().nonnegative(),
  calls: z.number().int().nonnegative(),
  /** Calls whose prompt was partly read from the provider's prompt cache. */
  cacheHits: z.number().int().nonnegative(),
});
export type SpendView = z.infer<typeof SpendView>;

/** One objection to an attempt's deliverable (validator, schema, tests, edit, review or a person). */
export const ObjectionView = z.object({ source: z.string(), message: z.string(), where: z.string().optional() });
export type ObjectionView = z.infer<typeof ObjectionView>;

/** One attempt of a phase: the model, why the router picked it, and what was objected. */
export const AttemptView = z.object({
  attempt: z.number().int().positive(),
  modelKey: z.string(),
  model: z.string(),
  why: z.string(),
  accepted: z.boolean(),
  objections: z.array(ObjectionView),
});
export type AttemptView = z.infer<typeof AttemptView>;

/** A phase of the selected ticket's route; `local`/`cloud` are the phase's own calls (validator calls are apart). */
export const PhaseView = z.object({
  phase: z.string(),
  status: z.enum(['pending', 'running', 'done', 'failed', 'skipped']),
  attempts: z.array(AttemptView),
  hasDeliverable: z.boolean(),
  /** The model the phase will run on per the last model check ("key (model)"), for phases not started yet. */
  plannedModel: z.string().optional(),
  local: SpendView,
  cloud: SpendView,
});
export type PhaseView = z.infer<typeof PhaseView>;

/** Where a file of the change stands with the person reviewing it; `stale`: approved, then changed. */
export const FileApproval = z.enum(['pending', 'approved', 'rejected', 'stale']);
export type FileApproval = z.infer<typeof FileApproval>;

/** A file the ticket's branch changed. `added`/`removed` are line counts. */
export const FileView = z.object({
  path: z.string(),
  status: z.enum(['added', 'modified', 'deleted']),
  added: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
  approval: FileApproval,
  /** What a person should look at before approving (ChangedFile.flags: hidden/bidi characters, control bytes, .gitattributes). */
  flags: z.array(z.string()).optional(),
});
export type FileView = z.infer<typeof FileView>;

/**
 * The model that will really run a role (a phase or the validator) with what can be reached now: the first model
 * of the role's chain whose provider answers (Ollama reachable and the model pulled; an Anthropic key set).
 * `modelKey` is undefined when no model of the chain can run. `skipped`: earlier models of the chain and why.
 */
export const PhaseModelView = z.object({
  phase: z.string(),
  modelKey: z.string().optional(),
  model: z.string().optional(),
  provider: z.string().optional(),
  /** The chosen model runs on this machine (see runsLocally); undefined when no model can run. */
  local: z.boolean().optional(),
  skipped: z.array(z.object({ modelKey: z.string(), why: z.string() })),
});
export type PhaseModelView = z.infer<typeof PhaseModelView>;

/** A model of the configuration, for pickers: name, provider, price (USD per million tokens) and whether it can run now. */
export const ModelChoiceView = z.object({
  key: z.string(),
  model: z.string(),
  provider: z.string(),
  /** Runs on this machine (an Ollama model that is not a cloud one, an OpenAI-compatible server on localhost). */
  local: z.boolean(),
  inputUsdPerMTok: z.number().nonnegative(),
  outputUsdPerMTok: z.number().nonnegative(),
  /** Why it cannot run now ("no key", "not pulled", "Ollama not answering"); undefined when it can. */
  unavailable: z.string().optional(),
});
export type ModelChoiceView = z.infer<typeof ModelChoiceView>;

/** What the model check found: which models Shipwright will use, and what is missing. */
export const ModelSetupView = z.object({
  ollama: z.object({
    host: z.string(),
    reachable: z.boolean(),
    /** Model names Ollama has pulled (`/api/tags`). */
    pulled: z.array(z.string()),
    /** Where the host came from: a `shipwright.ollamaHost` setting, `.shipwright/config.json`, `OLLAMA_HOST` or the default. */
    hostFrom: z.enum(['settings', 'file', 'env', 'default']),
    /** For people: why it is not answering (no raw error codes). */
    problem: z.string().optional(),
  }),
  anthropic: z.object({ hasKey: z.boolean() }),
  /** Per role of a feature ticket and the validator, the model that will run. */
  phases: z.array(PhaseModelView),
  /** Ollama models the chains name that are not pulled (while Ollama answers). */
  notPulled: z.array(z.string()),
  /** Every role has a model that can run. */
  ready: z.boolean(),
  checkedAt: z.string(),
});
export type ModelSetupView = z.infer<typeof ModelSetupView>;

/** The panel's grouping of ticket states. */
export const TicketGroup = z.enum(['running', 'needs-human', 'ready', 'done', 'stopped']);
export type TicketGroup = z.infer<typeof TicketGroup>;

/** A line of the ticket list. */
export const TicketRow = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.string(),
  state: z.string(),
  group: TicketGroup,
  usd: z.number().nonnegative(),
  /** The workspace folder's name, shown in multi-root workspaces. */
  folder: z.string(),
});
export type TicketRow = z.infer<typeof TicketRow>;

/** Everything shown of the selected ticket. USD amounts are dollars, tokens are tokens. */
export const TicketDetail = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.string(),
  state: z.string(),
  reason: z.string(),
  budgetUsd: z.number().positive(),
  phases: z.array(PhaseView),
  /** The validator's calls over every phase (the ledger keys them by role, not by the phase they checked). */
  validation: z.object({ local: SpendView, cloud: SpendView }),
  local: SpendView,
  cloud: SpendView,
  totalUsd: z.number().nonnegative(),
  files: z.array(FileView),
  /** A ready ticket: the files can be approved and merged. */
  reviewable: z.boolean(),
  handoff: z
    .object({
      phase: z.string(), text: z.string(), openObjections: z.array(ObjectionView), attempts: z.number().int().nonnegative(),
      /** `setup`: the test set-up needs a person; the way on is a plain resume (HandoffSummary.kind). */
      kind: z.literal('setup').optional(),
    })
    .optional(),
  /** A checkpoint waiting for a person's approval of a deliverable. */
  checkpoint: z.object({ phase: z.string(), markdown: z.string() }).optional(),
  /** The phase at work now (from the engine's last `phaseStarted`): its model and when the attempt began. */
  running: z
    .object({
      phase: z.string(), attempt: z.number().int().positive(), modelKey: z.string(), model: z.string(), why: z.string(), startedAt: z.string(),
      /** The call streaming now: its role, output tokens so far (an o200k count, tokens) and rate (tokens/s). */
      streamed: z.object({ role: z.string(), outputTokens: z.number().nonnegative(), tokensPerSecond: z.number().nonnegative() }).optional(),
    })
    .optional(),
  /** The model to preselect for a retry: the next one up the stuck phase's chain that can run (else the strongest that can). */
  retryDefault: z.string().optional(),
});
export type TicketDetail = z.infer<typeof TicketDetail>;

/** The whole panel, sent after the webview says `ready` and on every change (snapshots, never deltas). */
export const ViewState = z.object({
  trusted: z.boolean(),
  tickets: z.array(TicketRow),
  selected: TicketDetail.optional(),
  /** USD spent today (local calendar day) over every ticket of the workspace. */
  todayUsd: z.number().nonnegative(),
  /** Model keys of the configuration, for "retry with a chosen model". */
  modelKeys: z.array(z.string()),
  /** The models of the configuration with name, provider and price, for pickers. */
  models: z.array(ModelChoiceView).default([]),
  /** The last model check; undefined before the first one (or in an untrusted workspace). */
  setup: ModelSetupView.optional(),
  /** A model check is under way. */
  checkingModels: z.boolean().default(false),
  /** A message for people, e.g. why a merge was refused. */
  notice: z.object({ level: z.enum(['info', 'error']), text: z.string() }).optional(),
});
export type ViewState = z.infer<typeof ViewState>;
