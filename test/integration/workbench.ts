import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot, startCodeServer, type CodeServer, type CodeServerOptions } from './codeServer';

/** The Chromium the tests drive (Debian's package; playwright-core downloads no browser). */
const chromiumPath = process.env.SHIPWRIGHT_CHROMIUM ?? '/usr/bin/chromium';

/** The extension folder loaded into the workbench: the repository, or a staged copy (scripts/run-integration.mjs). */
export const extensionPath = resolve(process.env.SHIPWRIGHT_EXTENSION_PATH ?? repoRoot);

/** A workbench open in headless Chromium on a fresh code-server. */
export interface Workbench {
  server: CodeServer;
  context: BrowserContext;
  page: Page;
  /** Console lines of the page (the extension host's console lands here too). */
  console: string[];
  close(): Promise<void>;
}

/** Options of `openWorkbench`. */
export interface WorkbenchOptions extends CodeServerOptions {
  /** `[key, value]` pairs of the workbench's `payload` URL parameter; paths become `vscode-remote://` URIs. */
  payload?: [string, string][];
  /** Browser viewport, CSS pixels (default 1400 × 900). */
  viewport?: { width: number; height: number };
  /** Called before the page loads, e.g. to expose `codeAutomationExit`. */
  beforeGoto?: (page: Page) => Promise<unknown>;
}

/** `vscode-remote://127.0.0.1:PORT/abs/path`: how the browser workbench names a file on the server. */
export function remoteUri(server: CodeServer, absPath: string): string {
  return `vscode-remote://127.0.0.1:${server.port}${absPath}`;
}

/**
 * Starts code-server on `opts.workspace`, launches headless Chromium with a fresh profile and opens
 * `?folder=<workspace>&payload=<json>`. The args are the ones testing-with-real-parts.md (section 2) found to
 * work on these machines. Throws when code-server or Chromium cannot start.
 */
export async function openWorkbench(opts: WorkbenchOptions): Promise<Workbench> {
  const server = await startCodeServer(opts);
  const profile = mkdtempSync(join(tmpdir(), 'shipwright-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      viewport: opts.viewport ?? { width: 1400, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const lines: string[] = [];
    page.on('console', (m) => lines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => lines.push(`[pageerror] ${e.message}`));
    await opts.beforeGoto?.(page);
    const url = new URL(server.url);
    url.searchParams.set('folder', opts.workspace);
    if (opts.payload) {
      url.searchParams.set('payload', JSON.stringify(opts.payload.map(([k, v]) => [k, v.startsWith('/') ? remoteUri(server, v) : v])));
    }
    await page.goto(url.toString());
    const ctx = context;
    return {
      server,
      context: ctx,
      page,
      console: lines,
      async close() {
        await ctx.close().catch(() => undefined);
        rmSync(profile, { recursive: true, force: true });
        await server.stop();
      },
    };
  } catch (err) {
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
    await server.stop();
    throw err;
  }
}
