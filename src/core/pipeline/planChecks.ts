import type { Plan } from '../deliverables/plan';
import { confinePath } from '../workspace/confinePath';
import { isDirectory, pathExists } from '../workspace/pathExists';
import { criterionKey } from './criterionKey';
import type { Objection } from './objection';

/** What a plan is checked against: the accepted specs and the ticket's worktree. */
export interface PlanSources {
  /** Acceptance-criteria ids of the functional spec (`AC-1`…); empty when the route has no functional spec. */
  criteriaIds: readonly string[];
  /** Files the design's components name (repository-relative), each with the component that names it. */
  designFiles: readonly { path: string; component: string }[];
  /** The ticket's worktree: task paths are resolved in it (canonical, symlinks followed). */
  worktreePath: string;
}

/**
 * The mechanical checks of a plan against its sources of truth — what planning's prompt asks that needs no
 * judgement — as objections (source `schema`), empty when it passes:
 * - task ids are unique (implementation and review refer to tasks by id);
 * - every acceptance criterion belongs to at least one task, and every id a task cites exists;
 * - every file a component of the design names is in some task's files (the implementer sees only those):
 *   compared as canonical paths; a planned file under a design path counts for it; so does one that differs only
 *   in case unless the design's spelling exists on disk and the plan's does not; a new file of the design also
 *   counts as planned when a task names a new file of the same name elsewhere (no other design file has that name); folders, patterns, a note after the path
 *   (`src/a.js (new)`) and paths the design could not use anyway are not held to a task;
 * - every path a task names (files and tests) is repository-relative and stays inside the repository
 *   (confinePath: no absolute paths, no `..`, no escape through a symlink, never `.git` or `.shipwright`) and is
 *   not a folder. Protected places a person may open (CI workflows…) pass here: the edit step stops for them.
 * Paths that do not exist yet are new files and pass. An objection about one task has the task's id as `where`.
 * Never throws.
 */
export async function planChecks(plan: Plan, sources: PlanSources): Promise<Objection[]> {
  const out: Objection[] = [];
  const seen = new Set<string>();
  const repeated = new Set(plan.tasks.map((t) => t.id).filter((id) => (seen.has(id) ? true : (seen.add(id), false))));
  if (repeated.size > 0) out.push({ source: 'schema', message: `task ids must be unique; repeated: ${[...repeated].join(', ')}` });

  // Ids compared by criterionKey, as implementation picks a task's criteria: `ac1` and `AC-1` are one criterion.
  const idKey = criterionKey;
  const known = new Set(sources.criteriaIds.map(idKey));
  const cited = new Set(plan.tasks.flatMap((t) => t.criteria.map(idKey)));
  const unplanned = sources.criteriaIds.filter((id) => !cited.has(idKey(id)));
  if (unplanned.length > 0) out.push({ source: 'schema', where: 'tasks', message: `no task satisfies ${unplanned.join(', ')}: every acceptance criterion belongs to at least one task` });
  if (known.size > 0) {
    for (const t of plan.tasks) {
      const unknown = t.criteria.filter((id) => !known.has(idKey(id)));
      if (unknown.length > 0) out.push({ source: 'schema', where: t.id, message: `cites ${unknown.join(', ')}, which the functional specification does not have (its criteria: ${sources.criteriaIds.join(', ')})` });
    }
  }

  // Both sides as canonical repository paths (symlinks resolved): the design and the plan are two models'
  // spellings of one file, and a check that objects to a correct plan loops it into needs-human.
  const planned: { forms: string[]; exists: boolean }[] = [];
  for (const p of plan.tasks.flatMap((t) => t.files)) {
    const c = await confinePath(sources.worktreePath, p);
    planned.push({ forms: [normalise(p), ...(c.ok ? [c.relative] : [])], exists: c.ok && (await pathExists(c.absolute)) });
  }
  const design: { f: PlanSources['designFiles'][number]; forms: string[]; exists: boolean }[] = [];
  for (const f of sources.designFiles) {
    // `src/a.js (new)`: a note after the path. A folder or a pattern means "files here", held to no one file.
    const spelled = f.path.replace(/\s+\([^()]*\)\s*$/, '').trim();
    if (spelled === '' || /[*?[\]]|[\\/]$/.test(spelled)) continue;
    const c = await confinePath(sources.worktreePath, spelled);
    if (!c.ok || (await isDirectory(c.absolute))) continue;
    design.push({ f, forms: [normalise(spelled), c.relative], exists: await pathExists(c.absolute) });
  }
  const baseName = (p: string): string => p.split('/').pop() ?? p;
  const sameFile = (d: string[], p: string[]): boolean => d.some((x) => p.includes(x));
  const missing: PlanSources['designFiles'][number][] = [];
  for (const d of design) {
    const covered = planned.some((p) =>
      sameFile(d.forms, p.forms)
      // A planned file under a design path that names a folder not made yet (`src/validators`).
      || d.forms.some((x) => p.forms.some((y) => y.startsWith(`${x}/`)))
      // Case alone differs, unless the design's spelling is a file on disk and the plan's is not (on a case-sensitive
      // disk the implementer would be shown nothing and write a second file): a new file, the plan correcting the
      // design's spelling, or a disk that ignores case.
      || (!(d.exists && !p.exists) && d.forms.some((x) => p.forms.some((y) => y.toLowerCase() === x.toLowerCase())))
      // A new file the planner placed elsewhere under its name, when no other design file has that name and the
      // planned file is not another design file.
      || (!d.exists && !p.exists && baseName(d.forms[0]) === baseName(p.forms[0])
        && design.filter((o) => baseName(o.forms[0]) === baseName(d.forms[0])).length === 1
        && !design.some((o) => o !== d && sameFile(o.forms, p.forms))));
    if (!covered) missing.push(d.f);
  }
  if (missing.length > 0) out.push({ source: 'schema', where: 'tasks', message: `the design changes ${missing.map((f) => `${f.path} (${f.component})`).join(', ')}, but no task lists it under files; the implementer sees only the files a task names` });

  for (const t of plan.tasks) {
    for (const p of new Set([...t.files, ...t.tests])) {
      const c = await confinePath(sources.worktreePath, p);
      if (!c.ok && c.protected !== true) out.push({ source: 'schema', where: t.id, message: `names ${JSON.stringify(p)}: ${c.reason}` });
      else if (c.ok && (await isDirectory(c.absolute))) out.push({ source: 'schema', where: t.id, message: `names the folder ${p}; name the files in it that the task reads or writes` });
    }
  }
  return out;
}

/** A path as the plan and the design may both spell it: `./a//b` and `a/b` are the same file. */
function normalise(p: string): string {
  return p.split(/[\\/]+/).filter((s) => s !== '' && s !== '.').join('/');
}
