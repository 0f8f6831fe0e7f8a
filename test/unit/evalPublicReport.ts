/**
 * Produces the report of the public suite (test/fixtures/eval/public-js.suite.json) here, against the fake
 * Anthropic server and the replay model of evalPublicReplay.ts, and a PNG of its HTML in headless Chromium.
 *   node esbuild.mjs --tests && node out/test/unit/evalPublicReport.js [MIRROR_DIR]
 * MIRROR_DIR holds `<owner>+<name>/repo` clones of the suite's repositories (default /work/.mirror). Writes
 * test/fixtures/eval/public-js.report.{json,html} and media/eval-report.png. Needs npm's registry (each
 * instance's set-up command is `npm install`) and /usr/bin/chromium. SHIPWRIGHT_PUBLIC_EVAL_DIR=<dir> reuses an
 * earlier try's folder (it resumes).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startFakeAnthropic } from '../fakes/fakeAnthropicServer';
import { publicSuiteReplay } from './evalPublicReplay';
import { allOn, writeConfig } from './evalTestKit';

const root = join(__dirname, '..', '..', '..');

async function main(): Promise<void> {
  const mirror = process.argv[2] ?? '/work/.mirror';
  // SHIPWRIGHT_PUBLIC_EVAL_DIR reuses a folder of an earlier try: its clones (set-up done) and finished runs.
  const reuse = process.env.SHIPWRIGHT_PUBLIC_EVAL_DIR;
  const ws = realpathSync(reuse ?? mkdtempSync(join(tmpdir(), 'shipwright-public-eval-')));
  const anthropic = await startFakeAnthropic({ respond: publicSuiteReplay({ mirrorDir: mirror, weakModel: 'claude-haiku-5-5' }) });
  writeConfig(ws, {
    anthropicBaseUrl: anthropic.url, ollamaHost: 'http://127.0.0.1:9', testTimeoutMs: 180_000, callTimeoutMs: 30_000,
    profiles: {
      'haiku-only': { chains: allOn('haiku') },
      'haiku-sonnet-code': { chains: { ...allOn('haiku'), implementation: ['sonnet'], ciFix: ['sonnet'] } },
      'sonnet-only': { chains: allOn('sonnet') },
    },
  });
  const out = join(ws, 'out');
  const suite = join(root, 'test', 'fixtures', 'eval', 'public-js.suite.json');
  const args = ['eval', suite, '--workspace', ws, '--mirror', mirror, '--out', out, '--concurrency', '2', '--recommend',
    '--profile', 'haiku-only', '--profile', 'haiku-sonnet-code', '--profile', 'sonnet-only'];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), ...args], {
      cwd: ws, stdio: ['ignore', 'inherit', 'inherit'], env: { PATH: process.env.PATH ?? '', HOME: ws, ANTHROPIC_API_KEY: 'fake-key' },
    });
    child.on('close', resolve);
  });
  await anthropic.close();
  if (code !== 0) throw new Error(`shipwright eval exited ${code}`);
  copyFileSync(join(out, 'report.json'), join(root, 'test', 'fixtures', 'eval', 'public-js.report.json'));
  copyFileSync(join(out, 'report.html'), join(root, 'test', 'fixtures', 'eval', 'public-js.report.html'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await page.goto(`file://${join(out, 'report.html')}`);
    await page.screenshot({ path: join(root, 'media', 'eval-report.png'), fullPage: true });
  } finally {
    await browser.close();
  }
  console.log(`report: ${join(out, 'report.html')}; screenshot: media/eval-report.png`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
