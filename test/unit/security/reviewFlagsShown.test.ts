import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { scriptedModel } from '../../fakes/scriptedModel';
import { git, projectRoot } from '../../fixtures/fixtureRepo';
import { engineKit } from '../engineTestKit';
import { requireSandbox } from './requireSandbox';
import { fixtureTicket } from '../../fixtures/fixtureTicket';
import { launchChromium, webviewScript } from '../../fixtures/webviewInChromium';

/** U+202E RIGHT-TO-LEFT OVERRIDE (Trojan Source, CVE-2021-42574): the line reads differently from what it does. */
const RLO = '\u202E';

suite('security: review flags are shown to the person who approves', function () {
  this.timeout(180_000);

  test('shipwright diff and finish name the flagged files and why, on a real ticket branch', async function () {
    await requireSandbox(this);
    const kit = await engineKit({ ollama: scriptedModel().responder });
    try {
      const ticket = fixtureTicket('feature-add-subtract.md');
      const s = await kit.engine.run(ticket);
      assert.equal(s.state, 'ready', s.reason);
      const wt = s.worktree!.path;
      // What a hostile model answer could leave on the branch: a bidi override in code and a `-diff` attribute.
      writeFileSync(join(wt, 'src', 'access.js'), `const isAdmin = false;\nif (isAdmin) { /* ${RLO} } if (true) { */ grant(); }\n`);
      writeFileSync(join(wt, '.gitattributes'), 'src/access.js -diff\n');
      git(wt, 'add', '-A');
      git(wt, 'commit', '-q', '-m', 'hostile change');

      const cli = (...args: string[]) => spawnSync(process.execPath, [join(projectRoot(), 'dist', 'cli.js'), ...args, '--workspace', kit.repo.dir], {
        encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: kit.repo.tmp, OLLAMA_HOST: 'http://127.0.0.1:9' },
      });
      const diff = cli('diff', s.ticket.id);
      assert.equal(diff.status, 0, diff.stderr);
      const lines = diff.stdout.split('\n');
      const at = lines.findIndex((l) => /^added\s+src\/access\.js \+2\/-0$/.test(l));
      assert.ok(at >= 0, diff.stdout);
      assert.match(lines[at + 1], /^\s+! look before approving: contains invisible or bidirectional characters .*U\+202E on line 2/);
      const attrs = lines.findIndex((l) => /^added\s+\.gitattributes /.test(l));
      assert.match(lines[attrs + 1], /! look before approving: changes \.gitattributes/);
      // The hidden line is in the diff as text (not "Binary files differ"), and the override is shown, never sent raw.
      assert.match(diff.stdout, /\+if \(isAdmin\)/);
      assert.doesNotMatch(diff.stdout, /Binary files/);
      assert.equal(diff.stdout.includes(RLO), false, 'the raw override reached the terminal');
      // A file with nothing to look at gets no flag line.
      const plain = lines.findIndex((l) => /^\w+\s+src\/calculator\.js /.test(l));
      assert.ok(plain >= 0, diff.stdout);
      assert.doesNotMatch(lines[plain + 1] ?? '', /look before approving/);

      const finish = cli('finish', s.ticket.id, '--keep-branch', '--reject', '.gitattributes');
      assert.match(finish.stdout, /Approved with review flags/);
      assert.match(finish.stdout, /src\/access\.js[\s\S]*U\+202E on line 2/);
      assert.doesNotMatch(finish.stdout, /changes \.gitattributes/, 'a rejected file is not listed as approved');
    } finally {
      await kit.close();
    }
  });

  suite('the panel\'s review row, rendered in Chromium', () => {
    let browser: Browser | undefined;
    suiteSetup(async () => {
      browser = await launchChromium();
    });
    suiteTeardown(async () => browser?.close());

    test('a flagged file shows its flags in words, in the theme\'s warning colour, and tells a screen reader', async () => {
      const page = await browser!.newPage();
      await page.setContent(`<html><head><style>:root { --vscode-editorWarning-foreground: rgb(191, 136, 3); }</style><style>${readFileSync(join(projectRoot(), 'media', 'panel.css'), 'utf8')}</style></head><body><ul class="files"></ul></body></html>`);
      // The real renderFiles.ts, bundled for the browser the way dist/webview.js is.
      await page.addScriptTag({ content: await webviewScript('./webview-ui/renderFiles', 'fileRow') });
      const flag = 'contains invisible or bidirectional characters that make code read differently from what it does: U+202E on line 2';
      await page.evaluate((flags) => {
        // Plain objects shaped like TicketDetail/FileView: the row reads id, reviewable and the file.
        const w = window as unknown as { fileRow: (t: object, f: object, post: () => void) => HTMLElement };
        const t = { id: 't1', reviewable: true };
        const list = document.querySelector('ul.files')!;
        list.append(w.fileRow(t, { path: 'src/access.js', status: 'added', added: 2, removed: 0, approval: 'pending', flags }, () => undefined));
        list.append(w.fileRow(t, { path: 'src/calculator.js', status: 'modified', added: 4, removed: 0, approval: 'pending' }, () => undefined));
      }, [flag]);

      const open = page.getByRole('button', { name: /Open the diff of src\/access\.js/ });
      assert.match((await open.getAttribute('aria-label')) ?? '', /1 warning to read before approving$/);
      const notes = page.getByRole('list', { name: 'Look before approving src/access.js' });
      assert.equal(await notes.isVisible(), true);
      assert.equal((await notes.innerText()).trim(), `Look before approving: ${flag}`);
      assert.equal(await notes.evaluate((el) => getComputedStyle(el).borderLeftColor), 'rgb(191, 136, 3)', 'the border is the theme\'s warning colour');
      // The unflagged row says nothing more.
      assert.doesNotMatch((await page.getByRole('button', { name: /Open the diff of src\/calculator\.js/ }).getAttribute('aria-label')) ?? '', /warning/);
      assert.equal(await page.locator('li[data-path="src/calculator.js"] .file-flags').count(), 0);
      await page.close();
    });
  });
});
