import { z } from 'zod';
import { ViewState } from './viewState';

const ticket = { ticketId: z.string().min(1) };

/** Messages the panel (webview) sends to the extension host; parsed with zod on arrival. */
export const WebviewMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('select'), ...ticket }),
  z.object({ type: z.literal('runTicket') }),
  z.object({ type: z.literal('openDeliverable'), ...ticket, phase: z.string() }),
  z.object({ type: z.literal('openDiff'), ...ticket, path: z.string() }),
  z.object({ type: z.literal('decideFile'), ...ticket, path: z.string(), decision: z.enum(['approve', 'reject']) }),
  z.object({ type: z.literal('approveAll'), ...ticket }),
  z.object({ type: z.literal('retry'), ...ticket, modelKey: z.string().min(1) }),
  z.object({ type: z.literal('editDeliverable'), ...ticket }),
  z.object({ type: z.literal('continue'), ...ticket }),
  z.object({ type: z.literal('stop'), ...ticket }),
  z.object({ type: z.literal('decideCheckpoint'), ...ticket, decision: z.enum(['approve', 'reject']) }),
  z.object({ type: z.literal('checkModels') }),
  z.object({ type: z.literal('resume'), ...ticket }),
  z.object({ type: z.literal('deleteRun'), ...ticket }),
  z.object({ type: z.literal('raiseBudget'), ...ticket, budgetUsd: z.number().positive().max(10_000) }),
  z.object({ type: z.literal('reviewNext'), ...ticket }),
  z.object({ type: z.literal('manageTrust') }),
  z.object({ type: z.literal('setApiKey') }),
  z.object({ type: z.literal('setOllamaHost') }),
  z.object({ type: z.literal('pickModel') }),
  z.object({ type: z.literal('copyPull'), model: z.string().min(1).max(200) }),
]);
export type WebviewMessage = z.infer<typeof WebviewMessage>;

/** Messages the extension host sends to the panel. */
export const HostMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('snapshot'), state: ViewState })]);
export type HostMessage = z.infer<typeof HostMessage>;
