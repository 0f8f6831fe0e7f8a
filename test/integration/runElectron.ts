import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { extensionPath } from './workbench';
import { scratchRepo } from './suite/scratchRepo';

/**
 * `npm run test:electron`: the same in-host suite (out/test/integration/suite) in a desktop VS Code downloaded
 * by `@vscode/test-electron`, for contributors who have a display and network access to Microsoft's CDN. On
 * the CI machines that download is impossible, so CI runs the suite in code-server instead
 * (runInHostMain.ts). Exits non-zero when the suite fails or VS Code cannot be started.
 */
async function main(): Promise<number> {
  const repo = scratchRepo({ 'README.md': '# scratch\n' });
  try {
    return await runTests({
      version: process.env.SHIPWRIGHT_VSCODE_VERSION ?? '1.100.3',
      extensionDevelopmentPath: extensionPath,
      extensionTestsPath: join(__dirname, 'suite', 'index.js'),
      launchArgs: [repo.dir, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    repo.cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`test-electron: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
