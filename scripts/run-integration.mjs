// `npm run test:integration`: installs code-server when missing, builds the extension and the integration
// tests, then runs the in-host suites (inside code-server's extension host), the UI tests (code-server in
// headless Chromium), and finally packages the .vsix from a production build and checks it installs and runs.
// Exits non-zero when any step fails.
// Until package.json carries the extension manifest (scripts/package-contributes.json), the extension is
// loaded from a staged copy whose package.json has it merged; dist/ and media/ are links to the real ones.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergedManifest } from './mergeContributes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, env = {}) => {
  console.log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
};

execFileSync('bash', [join(root, 'scripts', 'install-code-server.sh')], { stdio: 'inherit' });
if (run('node', ['esbuild.mjs']) !== 0) process.exit(1);
if (run('node', ['esbuild.mjs', '--only=test/integration/**/*.ts']) !== 0) process.exit(1);

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const env = {};
if (!pkg.contributes?.commands) {
  const staged = join(root, '.cache', 'extension-under-test');
  rmSync(staged, { recursive: true, force: true });
  mkdirSync(staged, { recursive: true });
  writeFileSync(join(staged, 'package.json'), JSON.stringify(mergedManifest(), null, 2));
  for (const d of ['dist', 'media', 'README.md', '.vscodeignore']) symlinkSync(join(root, d), join(staged, d));
  env.SHIPWRIGHT_EXTENSION_PATH = staged;
  console.log(`package.json has no contributes yet: loading the extension from ${staged}`);
}

let failed = 0;
failed += run('node', ['out/test/integration/runInHostMain.js'], env) === 0 ? 0 : 1;
// UI tests sit at out/test/integration/*.test.js (the depth test/fixtures/fixtureRepo.ts expects).
const mocha = (file) => run('npx', ['mocha', '--ui', 'tdd', '--timeout', '240000', '--no-config', file], env) === 0 ? 0 : 1;
failed += mocha('out/test/integration/pipelineUi.test.js');
failed += mocha('out/test/integration/firstRunUi.test.js');
failed += mocha('out/test/integration/ticketLifeUi.test.js');
failed += mocha('out/test/integration/recoveryUi.test.js');

// What ships: a production build packaged by vsce (flags: no prompts for a missing repository URL or LICENSE).
const extensionDir = env.SHIPWRIGHT_EXTENSION_PATH ?? root;
rmSync(join(root, 'shipwright.vsix'), { force: true });
if (run('node', ['esbuild.mjs', '--production']) !== 0) process.exit(1);
const vsce = spawnSync(join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--out', join(root, 'shipwright.vsix')], { cwd: extensionDir, stdio: ['ignore', 'inherit', 'inherit'] });
failed += vsce.status === 0 ? 0 : 1;
if (vsce.status === 0) failed += mocha('out/test/integration/vsixUi.test.js');
process.exit(failed ? 1 : 0);
