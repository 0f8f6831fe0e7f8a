import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { ShipwrightConfig } from '../core/config/shipwrightConfig';
import { checkModelsReachable } from '../core/engine/checkModelsReachable';
import { ShipwrightEngine } from '../core/engine/shipwrightEngine';
import type { ApprovalPort } from '../core/ports/approvalPort';
import { startTracing } from '../core/telemetry/startTracing';
import { createShipwrightMcpServer } from '../mcp/shipwrightMcpServer';

/**
 * Checkpoints under MCP: nobody sits at this process's terminal (stdout is the protocol), so a checkpoint is
 * approved only when the person who started the server said so (`--allow-approvals`); otherwise it is rejected
 * with a reason and the ticket waits for a person. Files are never decided here: `finish_ticket` or a person does.
 */
function mcpApprovals(allowApprovals: boolean): ApprovalPort {
  return {
    approveDeliverable: async (req) =>
      allowApprovals ? { decision: 'approve' } : { decision: 'reject', reason: `checkpoint on ${req.phase} needs a person (the MCP server was not started with --allow-approvals)` },
    reviewFiles: async () => [],
  };
}

/**
 * `shipwright mcp`: serves the engine of `workspaceRoot` over stdio until the client closes the pipe. Nothing but
 * protocol messages goes to stdout; engine warnings go to stderr.
 */
export async function serveMcp(o: { workspaceRoot: string; config: ShipwrightConfig; env: NodeJS.ProcessEnv; allowMerge: boolean; allowApprovals: boolean }): Promise<number> {
  const engine = await ShipwrightEngine.create({ workspaceRoot: o.workspaceRoot, config: o.config, env: o.env, approvals: mcpApprovals(o.allowApprovals) });
  const tracing = startTracing({ env: o.env, warn: (m) => process.stderr.write(`shipwright mcp: ${m}\n`) });
  if (tracing) engine.onEvent(tracing.onEvent);
  const server = createShipwrightMcpServer({
    engine,
    workspaceRoot: o.workspaceRoot,
    allowMerge: o.allowMerge,
    checkModels: async () => {
      const reach = await checkModelsReachable(o.config, o.env);
      return reach.ok ? undefined : reach.advice;
    },
    onBackgroundError: (id, e) => process.stderr.write(`shipwright mcp: ticket ${id}: ${e instanceof Error ? e.message : String(e)}\n`),
  });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  // Runs still going are cancelled; their written state resumes later.
  for (const s of await engine.list()) if (s.state === 'running') engine.cancel(s.ticket.id);
  await server.close();
  await tracing?.shutdown();
  return 0;
}
