import { credentialsIn, secretEnvValues } from './redactSecrets';
import { secretEntries } from './readForPrompt';
import { DEFAULT_SECRET_FILES } from './secretPaths';

/** Decides whether a changed file's new text brings a secret into the change (see {@link secretsInChange}). */
export interface SecretFinder {
  /**
   * Why `text` (a file's new content) must not be committed, or undefined. `before` is the file's content at
   * HEAD ('' when new): a secret already there is not the change's doing and is not held against it (a fixture
   * with a sample key stays editable).
   */
  why(text: string, before: string): string | undefined;
}

/** At least two of lower case, upper case, digits and other characters: `production` is a word, `pr0d-x7` is not. */
function mixed(value: string): boolean {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length >= 2;
}

/**
 * What counts as a secret in a commit: the exact values of the engine's secret-named environment variables
 * (`ANTHROPIC_API_KEY`, `*_TOKEN`…, 8 characters or more), the values of the worktree's untracked secret files by
 * `patterns` (a `.env` copied in by worktree.copy; a tracked `.env.example` is public already) whose name looks
 * secret or whose value is not a plain word, and credentials of a distinct shape (credentialsIn). A test run that
 * copies one of these into a tracked file, or a model edit holding one, is refused at commit time
 * (stageableChanges). `tracked` says whether a repository-relative path is tracked at HEAD.
 * Never throws (unreadable secret files are skipped).
 */
export async function secretsInChange(worktreePath: string, opts: { env?: NodeJS.ProcessEnv; patterns?: readonly string[]; tracked: (paths: string[]) => Promise<Set<string>> }): Promise<SecretFinder> {
  const fromFiles = await secretEntries(worktreePath, opts.patterns ?? DEFAULT_SECRET_FILES);
  const tracked = fromFiles.length > 0 ? await opts.tracked([...new Set(fromFiles.map((e) => e.path))]) : new Set<string>();
  const known = [
    ...secretEnvValues(opts.env ?? process.env).map((e) => ({ value: e.value, what: `the value of ${e.name} (a secret of Shipwright's environment)` })),
    ...fromFiles
      .filter((e) => !tracked.has(e.path) && (mixed(e.value) || /KEY|TOKEN|SECRET|PASS|CREDENTIAL|AUTH|DSN|PRIVATE/i.test(e.name)))
      .map((e) => ({ value: e.value, what: `the value of ${e.name} from ${e.path} (a secret file)` })),
  ];
  return {
    why(text: string, before: string): string | undefined {
      const value = known.find((k) => text.includes(k.value) && !before.includes(k.value));
      if (value !== undefined) return `holds ${value.what}; a secret is never committed`;
      const shaped = credentialsIn(text).find((c) => !before.includes(c.match));
      if (shaped !== undefined) return `holds what looks like a credential (${shaped.kind}); a secret is never committed`;
      return undefined;
    },
  };
}
