import { promises as fs } from 'node:fs';
import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ShipwrightEngine } from '../core/engine/shipwrightEngine';
import { totalsByPhase, totalsOf } from '../core/models/costLedger';
import type { RunState } from '../core/pipeline/runState';
import { MAX_TICKET_BYTES, parseTicket } from '../core/ticket/parseTicket';
import { TicketParseError } from '../core/ticket/ticketParseError';

/** Why a tool call was refused; the first word of every error a tool returns. */
export type McpToolErrorReason = 'badTicket' | 'outsideWorkspace' | 'unknownTicket' | 'alreadyRun' | 'running' | 'noModel' | 'needsPerson' | 'notReady' | 'engineError';

/** A refused tool call: an MCP error whose message starts with its reason, and whose `data` is `{ reason }`. */
export function toolError(reason: McpToolErrorReason, message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, `${reason}: ${message}`, { reason });
}

export interface ShipwrightMcpOptions {
  engine: ShipwrightEngine;
  /** The repository the server serves; ticket files must be inside it. */
  workspaceRoot: string;
  /** Checks, before a run starts, that some model answers; resolves to advice text when none does. */
  checkModels: () => Promise<string | undefined>;
  /**
   * What the person who started the server (`shipwright mcp --allow-merge`) lets an agent do. By default merges
   * stay with a person: `finish_ticket` is refused with `needsPerson`. A repository's own config cannot grant this.
   */
  allowMerge: boolean;
  /** Called when a background run fails outside the engine's own states (written to stderr by the CLI). */
  onBackgroundError: (ticketId: string, e: unknown) => void;
}

const TicketId = z.string().min(1).max(80).describe('The ticket id, as run_ticket or list_runs returned it');

/**
 * The engine as MCP tools (Model Context Protocol, `@modelcontextprotocol/sdk`): run a ticket from text or a file
 * (returns its id at once; the run goes on in the background), read a ticket's state, phases and cost, list runs,
 * resume, produce the diff, and — only when allowed — finish (merge or keep the branch). Inputs are zod-checked
 * by the SDK; a refused call is an MCP error `"<reason>: <message>"` (see {@link McpToolErrorReason}).
 */
export function createShipwrightMcpServer(o: ShipwrightMcpOptions): McpServer {
  const server = new McpServer({ name: 'shipwright', version: '0.1.0' });
  const running = new Set<string>();
  const background = (id: string, work: Promise<RunState>) => {
    running.add(id);
    work.catch((e: unknown) => o.onBackgroundError(id, e)).finally(() => running.delete(id));
  };
  const mustGet = async (id: string): Promise<RunState> => {
    const s = await o.engine.get(id);
    if (!s) throw toolError('unknownTicket', `no run of ticket "${id}" in ${o.workspaceRoot} (see list_runs)`);
    return s;
  };

  server.registerTool('run_ticket', {
    title: 'Run a Shipwright ticket',
    description: 'Starts a ticket (markdown with front matter: kind feature|hotfix|epic, optional id/title) through Shipwright\'s pipeline in its own git worktree. Give the text or a file path inside the repository. Returns the ticket id at once; poll ticket_status.',
    inputSchema: {
      ticket: z.string().max(MAX_TICKET_BYTES).optional().describe('The ticket markdown'),
      file: z.string().max(4096).optional().describe('A ticket file, relative to the repository root or absolute inside it'),
    },
  }, async ({ ticket, file }) => {
    if ((ticket === undefined) === (file === undefined)) throw toolError('badTicket', 'give exactly one of "ticket" (text) or "file"');
    const source = file ? await ticketFileInside(o.workspaceRoot, file) : undefined;
    let t;
    try {
      t = parseTicket(source ? await fs.readFile(source, 'utf8') : (ticket ?? ''), source ?? 'ticket');
    } catch (e) {
      if (e instanceof TicketParseError) throw toolError('badTicket', e.message);
      throw e;
    }
    const prior = await o.engine.get(t.id);
    if (prior) throw toolError('alreadyRun', `ticket ${t.id} has a run already (state ${prior.state}); use resume_ticket or give the ticket another id`);
    const advice = await o.checkModels();
    if (advice) throw toolError('noModel', advice);
    await startedRun(o.engine, t.id, (work) => background(t.id, work), () => o.engine.run(t));
    return reply({ ticketId: t.id, kind: t.kind, title: t.title, state: 'running' }, `Started ticket ${t.id} (${t.kind}). Poll ticket_status with ticketId "${t.id}".`);
  });

  server.registerTool('ticket_status', {
    title: 'A ticket\'s state, phases and cost',
    description: 'State (running, ready, needs-human, budget-exceeded, failed…), the reason, each phase with its attempts and models, and tokens and USD per phase.',
    inputSchema: { ticketId: TicketId },
    annotations: { readOnlyHint: true },
  }, async ({ ticketId }) => {
    const s = await mustGet(ticketId);
    return reply(statusOf(s, running.has(ticketId)));
  });

  server.registerTool('list_runs', {
    title: 'List Shipwright runs',
    description: 'Every ticket run of this repository: id, kind, state, USD, reason.',
    inputSchema: {},
    annotations: { readOnlyHint: true },
  }, async () => {
    const runs = (await o.engine.list()).map((s) => ({ ticketId: s.ticket.id, title: s.ticket.title, kind: s.ticket.kind, state: s.state, usd: totalsOf(s.ledger).usd, reason: s.reason }));
    return reply({ runs });
  });

  server.registerTool('resume_ticket', {
    title: 'Resume a stopped ticket',
    description: 'Continues a stopped run (needs-human, budget-exceeded, failed, cancelled, or crashed) from its last written step, optionally on another model key of the config. Returns at once.',
    inputSchema: { ticketId: TicketId, modelKey: z.string().min(1).max(80).optional().describe('A model key of the config to retry the stuck phase on') },
  }, async ({ ticketId, modelKey }) => {
    const s = await mustGet(ticketId);
    if (running.has(ticketId)) throw toolError('running', `ticket ${ticketId} is running already`);
    if (s.state === 'done') throw toolError('notReady', `ticket ${ticketId} is done; nothing to resume`);
    background(ticketId, o.engine.resume(ticketId, { modelKey }));
    return reply({ ticketId, state: 'running' }, `Resumed ticket ${ticketId}.`);
  });

  server.registerTool('ticket_diff', {
    title: 'The change a ticket made',
    description: 'Files the ticket\'s branch changed against the commit it started from (+/- lines), and the unified diff (of one file when path is given).',
    inputSchema: { ticketId: TicketId, path: z.string().max(4096).optional() },
    annotations: { readOnlyHint: true },
  }, async ({ ticketId, path: file }) => {
    const s = await mustGet(ticketId);
    if (!s.worktree) throw toolError('notReady', `ticket ${ticketId} has no worktree yet`);
    const files = await o.engine.changedFiles(ticketId);
    const diff = await o.engine.diff(ticketId, file);
    return { content: [{ type: 'text', text: diff || '(no changes)' }], structuredContent: { ticketId, files: files.map(({ path: p, status, added, removed }) => ({ path: p, status, added, removed })) } };
  });

  server.registerTool('finish_ticket', {
    title: 'Merge or keep a ready ticket\'s branch',
    description: 'Approves every changed file of a ready ticket and merges them into the user\'s branch (merge), or puts the same change as one commit on a new <branch>-pr branch for a pull request (keep-branch; Shipwright\'s notes left out). Refused unless the person who started the server allowed it (shipwright mcp --allow-merge).',
    inputSchema: { ticketId: TicketId, mode: z.enum(['merge', 'keep-branch']) },
    annotations: { destructiveHint: true },
  }, async ({ ticketId, mode }) => {
    if (!o.allowMerge) throw toolError('needsPerson', `merging stays with a person: run \`shipwright finish ${ticketId} --${mode}\` or use VS Code's review, or start the server with --allow-merge`);
    const s = await mustGet(ticketId);
    if (s.state !== 'ready') throw toolError('notReady', `ticket ${ticketId} is ${s.state}, not ready`);
    const files = await o.engine.changedFiles(ticketId);
    const r = await o.engine.finish(ticketId, files.map((f) => ({ path: f.path, decision: 'approve' as const, contentHash: f.contentHash })), mode);
    return reply({ ticketId, state: r.state, reason: r.reason });
  });

  return server;
}

/**
 * Starts a run in the background and resolves once the engine announced it (`ticketStarted`: its worktree and
 * state exist, so ticket_status can read it), or rejects with `engineError` when the run fails before that.
 */
async function startedRun(engine: ShipwrightEngine, id: string, keep: (work: Promise<RunState>) => void, start: () => Promise<RunState>): Promise<void> {
  let unsubscribe: () => void = () => undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      unsubscribe = engine.onEvent((e) => {
        if (e.type === 'ticketStarted' && e.ticketId === id) resolve();
      });
      const work = start();
      keep(work);
      work.then(() => resolve(), (e: unknown) => reject(toolError('engineError', e instanceof Error ? e.message : String(e))));
    });
  } finally {
    unsubscribe();
  }
}

/** A tool result: the object as structured content, and as JSON text (with a lead line) for clients that read text only. */
function reply(value: Record<string, unknown>, lead?: string): CallToolResult {
  return { content: [{ type: 'text', text: `${lead ? `${lead}\n` : ''}${JSON.stringify(value, null, 2)}` }], structuredContent: value };
}

/** The state a client needs: phases with attempts and models, tokens and USD per phase and in total. */
function statusOf(s: RunState, running: boolean): Record<string, unknown> {
  const total = totalsOf(s.ledger);
  return {
    ticketId: s.ticket.id, title: s.ticket.title, kind: s.ticket.kind, state: s.state, reason: s.reason, running,
    branch: s.worktree?.branch,
    phases: s.phases.map((p) => ({ phase: p.phase, status: p.status, attempts: p.attempts.map((a) => ({ attempt: a.attempt, modelKey: a.modelKey, model: a.model, why: a.why, accepted: a.accepted, objections: a.objections.length })) })),
    cost: {
      usd: total.usd, budgetUsd: s.budgetUsd, calls: total.calls, tokens: total.usage,
      byPhase: [...totalsByPhase(s.ledger)].map(([phase, t]) => ({ phase, calls: t.calls, usd: t.usd, tokens: t.usage })),
    },
  };
}

/**
 * The canonical path of a ticket file, refused unless it is inside the repository (symlinks resolved): the MCP
 * client is an agent, and the file's text ends up in prompts.
 * @throws McpError outsideWorkspace / badTicket
 */
async function ticketFileInside(root: string, file: string): Promise<string> {
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([fs.realpath(path.resolve(root, file)), fs.realpath(root)]);
  } catch (e) {
    throw toolError('badTicket', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const rel = path.relative(realRoot, real);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw toolError('outsideWorkspace', `${file} is not inside ${realRoot}`);
  return real;
}
