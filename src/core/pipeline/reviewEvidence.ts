/**
 * What the review's validator reads of the change, instead of the whole diff a second time: the changed files with
 * their added and removed line counts, then the diff of the files the report's findings name. Why: the reviewer
 * (the `review` chain) has read the whole diff; the validator (the cheapest model) checks the report against the
 * change — every changed file considered, each finding about a changed file and borne out by its hunks, the
 * decision consistent with the findings — and re-reading the diff made it the largest call of a feature ticket
 * (bench: 5.8k of the ticket's 39.7k input tokens, the diff alone 4.6k).
 * `diff` is `git diff` output (`diff --git a/… b/…` sections); `files` are repository-relative paths.
 * Returns the whole diff when it has no `diff --git` section (nothing to split).
 */
export function reviewEvidence(diff: string, files: readonly string[]): string {
  const sections = splitDiff(diff);
  if (sections.length === 0) return diff;
  const stat = sections.map((s) => `- ${s.path} (+${s.added} −${s.removed})`);
  const named = sections.filter((s) => files.includes(s.path));
  return [
    `## Changed files (${sections.length})`,
    ...stat,
    ...(named.length > 0 ? ['', `## Diff of the files the findings name`, ...named.map((s) => s.text.trimEnd())] : []),
  ].join('\n');
}

interface DiffSection {
  path: string;
  added: number;
  removed: number;
  text: string;
}

/** The per-file sections of a unified git diff, in order. */
function splitDiff(diff: string): DiffSection[] {
  const starts = [...diff.matchAll(/^diff --git a\/(.+?) b\/(.+)$/gm)];
  return starts.map((m, i) => {
    const text = diff.slice(m.index, starts[i + 1]?.index ?? diff.length);
    const lines = text.split('\n');
    return {
      path: m[2],
      added: lines.filter((l) => l.startsWith('+') && !l.startsWith('+++')).length,
      removed: lines.filter((l) => l.startsWith('-') && !l.startsWith('---')).length,
      text,
    };
  });
}
