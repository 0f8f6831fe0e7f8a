// An inspector-style MCP client for trying `shipwright mcp` by hand, built on the MCP SDK's own Client:
//   node scripts/mcp-call.mjs [TOOL [JSON-ARGS]] -- COMMAND [ARGS...]
// Without TOOL it lists the server's tools. With `--poll ID` after the JSON it calls ticket_status until the
// ticket stops running. Example:
//   node scripts/mcp-call.mjs run_ticket '{"file":"ticket.md"}' --poll -- node dist/cli.js mcp --workspace /tmp/calc
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
if (dash < 0 || dash === argv.length - 1) {
  console.error('usage: node scripts/mcp-call.mjs [TOOL [JSON-ARGS] [--poll]] -- COMMAND [ARGS...]');
  process.exit(2);
}
const [tool, json, ...rest] = argv.slice(0, dash);
const poll = rest.includes('--poll') || json === '--poll';
const [command, ...args] = argv.slice(dash + 1);
const client = new Client({ name: 'shipwright-mcp-call', version: '1.0.0' });
await client.connect(new StdioClientTransport({ command, args, env: process.env, stderr: 'inherit' }));
const info = client.getServerVersion();
console.log(`connected to ${info?.name} ${info?.version}`);
const show = (r) => console.log(r.isError ? `ERROR ${r.content.map((c) => c.text).join('\n')}` : r.content.map((c) => c.text).join('\n'));
if (!tool) {
  for (const t of (await client.listTools()).tools) console.log(`- ${t.name}: ${t.description}`);
} else {
  const r = await client.callTool({ name: tool, arguments: json && json !== '--poll' ? JSON.parse(json) : {} });
  show(r);
  const id = r.structuredContent?.ticketId;
  if (poll && id) {
    let s;
    do {
      await new Promise((res) => setTimeout(res, 500));
      s = await client.callTool({ name: 'ticket_status', arguments: { ticketId: id } });
    } while (s.structuredContent?.running);
    show(s);
  }
}
await client.close();
