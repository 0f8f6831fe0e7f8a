import { readForPrompt } from '../secrets/readForPrompt';
import { secretPolicy } from '../secrets/secretPolicy';
import { detectTestCommand } from '../workspace/detectTestCommand';
import { rankRepoFiles } from '../workspace/repoMap';
import { DEFAULT_SECRET_FILES } from '../secrets/secretPaths';
import { fileContext } from './implementation/fileContext';
import { isTestPath } from './implementation/testGuard';
import type { PhaseContext } from './phaseContext';
import { ticketKeywords } from './ticketKeywords';

/** What the spec phases and diagnosis see of the code (the map itself comes from repoMapFor). */
export interface CodeContext {
  /** Test command, framework, test layout, then the most relevant files' content (within `config.codeContextTokens`). */
  code: string;
  /** The files shown in `code`, repository-relative. */
  shown: string[];
}

/** Test frameworks by the package that provides them, most specific first. */
const FRAMEWORKS: [string, string][] = [
  ['vitest', 'vitest'], ['jest', 'jest'], ['mocha', 'mocha'], ['ava', 'ava'], ['tape', 'tape'], ['uvu', 'uvu'],
  ['tap', 'node-tap'], ['jasmine', 'jasmine'], ['@playwright/test', 'Playwright Test'],
];
/** Characters per token for the code budget (the router's estimate is ~4 for code and English). */
const CHARS_PER_TOKEN = 4;
/** Test files named in the layout line, at most. */
const LAYOUT_FILES = 12;

/**
 * The code as discovery, techSpec, planning and diagnosis need it, next to the repository map: the test command
 * (configured or detected), the test framework (from package.json, or the command), the test files (layout),
 * and the content of the files most relevant to the ticket — those whose path or top-level symbols match the
 * ticket's words that few files hold (RepoMapFile.distinctive), source before tests, most relevant first (rare
 * words weigh more, see buildRepoMap) — within `config.codeContextTokens` (head and tail
 * of each file kept). `more` are files a model asked for (needFiles), shown first. Every file is read through
 * readForPrompt (confined, secret files refused, credentials redacted). Never throws for a file.
 */
export async function codeContextFor(ctx: PhaseContext, more: readonly string[] = []): Promise<CodeContext> {
  const root = ctx.worktree.path;
  const words = ticketKeywords(ctx.ticket);
  // The map's ranking without its text (the scan is shared with repoMapFor's, see rankRepoFiles).
  const map = { files: await rankRepoFiles(root, { keywords: words, secretFiles: [...DEFAULT_SECRET_FILES, ...ctx.config.secretFiles] }) };
  const policy = await secretPolicy(root, ctx.config.secretFiles);
  const command = ctx.config.testCommand ?? (await detectTestCommand(root));
  const pkg = await readForPrompt(root, 'package.json', policy);
  const framework = frameworkOf(pkg.ok ? pkg.text : '', command);
  const tests = map.files.filter((f) => isTestPath(f.path)).map((f) => f.path).sort();

  // Files that match a word few files hold: a file that shares only common words with the ticket (`node`, `with`)
  // is noise, and filling the code budget with it cost every spec phase ~3k tokens on the bench's repository.
  const relevant = map.files.filter((f) => f.distinctive > 0 && f.path !== 'package.json');
  // Source first (what the ticket changes), then its tests (how they are written here); the map's order within.
  const ranked = [...relevant.filter((f) => !isTestPath(f.path)), ...relevant.filter((f) => isTestPath(f.path))].map((f) => f.path);
  const budget = ctx.config.codeContextTokens * CHARS_PER_TOKEN;
  const chosen: string[] = [];
  let used = 0;
  for (const path of [...more, ...ranked]) {
    const size = map.files.find((f) => f.path === path)?.size ?? 0;
    if (chosen.includes(path) || (chosen.length > 0 && used + Math.min(size, budget / 2) > budget)) continue;
    chosen.push(path);
    used += Math.min(size, budget / 2);
  }
  const header = [
    `Test command: ${command === undefined ? '(none configured or found)' : `\`${command}\``}`,
    `Test framework: ${framework}`,
    `Test files (${tests.length}): ${tests.length === 0 ? '(none)' : `${tests.slice(0, LAYOUT_FILES).join(', ')}${tests.length > LAYOUT_FILES ? ', …' : ''}`}`,
  ].join('\n');
  const files = chosen.length === 0 ? '(no file matches the ticket\'s words; ask for the files you need)' : await fileContext(root, chosen, policy, { totalChars: budget, perFileChars: Math.ceil(budget / 2) });
  return { code: `${header}\n\n${files}`, shown: chosen };
}

/** The test framework named by package.json's dependencies or the test command; `unknown` when neither says. */
function frameworkOf(packageJson: string, command: string | undefined): string {
  let deps: Record<string, unknown> = {};
  let script = '';
  try {
    const parsed: unknown = JSON.parse(packageJson);
    if (typeof parsed === 'object' && parsed !== null) {
      const p = parsed as { dependencies?: unknown; devDependencies?: unknown; scripts?: { test?: unknown } }; // shape checked field by field below
      deps = { ...(isRecord(p.dependencies) ? p.dependencies : {}), ...(isRecord(p.devDependencies) ? p.devDependencies : {}) };
      script = typeof p.scripts?.test === 'string' ? p.scripts.test : '';
    }
  } catch {
    // No or broken package.json: the command alone decides.
  }
  const found = FRAMEWORKS.find(([pkg]) => pkg in deps || new RegExp(`(^|[\\s/])${pkg.replace(/[@/]/g, '\\$&')}(\\s|$)`).test(script));
  if (found !== undefined) return `${found[1]}${script !== '' ? ` (package.json scripts.test: \`${script}\`)` : ''}`;
  if (/node (?:--test|--experimental-test)/.test(`${script} ${command ?? ''}`)) return `node:test${script !== '' ? ` (\`${script}\`)` : ''}`;
  if (command?.includes('pytest')) return 'pytest';
  // Python's standard library runner (`python3 -m unittest discover -v`, see detectTestCommand): tests are
  // unittest.TestCase methods, which it runs; a plain pytest-style function it never finds.
  if (command !== undefined && /\bunittest\b/.test(command)) return 'unittest';
  if (command?.startsWith('go test')) return 'go test';
  if (command?.startsWith('cargo test')) return 'cargo test';
  return 'unknown';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The `moreFiles` hook of a validated phase whose deliverable has `needFiles`: the code context again, with the
 * requested files shown first (read through readForPrompt like every other file).
 */
export function moreFilesFor<T extends { needFiles: string[] }>(ctx: PhaseContext): { needFiles: (v: T) => readonly string[]; read: (paths: string[]) => Promise<string> } {
  return { needFiles: (v) => v.needFiles, read: async (paths) => (await codeContextFor(ctx, paths)).code };
}
