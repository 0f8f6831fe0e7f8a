import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extensionPath, openWorkbench } from './workbench';
import { InHostResults, resultsFileEnv } from './inHostResults';

/** Options of `runInHost`. */
export interface RunInHostOptions {
  /** The folder the workbench opens. */
  workspace: string;
  /** The built suite entry (exports `run(): Promise<void>`, the test-electron contract). */
  extensionTestsPath: string;
  /** Extra environment for code-server and so for the extension host. */
  env?: Record<string, string>;
  /** Leave workspace trust on (an untrusted-workspace run). */
  workspaceTrust?: boolean;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Upper bound on the whole run, ms (default 180 000). */
  timeoutMs?: number;
}

/** What one in-host run produced: the workbench's exit code and the results the suite wrote. */
export interface RunInHostOutcome {
  exitCode: number;
  results: InHostResults | undefined;
  /** The page console (the extension host's console and the workbench's). */
  console: string[];
}

/**
 * Runs an in-host mocha suite inside code-server's real extension host: loads the extension under development
 * and the suite through the workbench's `payload` URL parameter (`extensionDevelopmentPath`,
 * `extensionTestsPath`), waits for the workbench to call `window.codeAutomationExit(code)` (0 when `run()`
 * resolved, 1 when it rejected) and reads the results the suite wrote to the file named by
 * `SHIPWRIGHT_TEST_RESULTS`. Throws when the workbench does not exit within `timeoutMs`.
 */
export async function runInHost(opts: RunInHostOptions): Promise<RunInHostOutcome> {
  const out = mkdtempSync(join(tmpdir(), 'shipwright-results-'));
  const resultsFile = join(out, 'results.json');
  let exit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((r) => (exit = r));
  const wb = await openWorkbench({
    workspace: opts.workspace,
    workspaceTrust: opts.workspaceTrust,
    settings: opts.settings,
    env: { ...opts.env, [resultsFileEnv]: resultsFile },
    payload: [
      ['extensionDevelopmentPath', extensionPath],
      ['extensionTestsPath', resolve(opts.extensionTestsPath)],
    ],
    beforeGoto: (page) => page.exposeFunction('codeAutomationExit', (code: number) => exit(code)),
  });
  try {
    const timeoutMs = opts.timeoutMs ?? 180_000;
    let timer: NodeJS.Timeout | undefined;
    const exitCode = await Promise.race([
      exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the workbench did not exit within ${timeoutMs} ms; console:\n${wb.console.join('\n')}`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const results = existsSync(resultsFile) ? InHostResults.parse(JSON.parse(readFileSync(resultsFile, 'utf8'))) : undefined;
    return { exitCode, results, console: wb.console };
  } finally {
    await wb.close();
    rmSync(out, { recursive: true, force: true });
  }
}
