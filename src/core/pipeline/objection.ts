/**
 * One reason a deliverable was not accepted: from the validator, from a schema parse failure, from the test
 * command (tests that pass before code exists, tests still failing), from an edit the engine refused, or from
 * a person who rejected a file.
 */
export interface Objection {
  source: 'validator' | 'schema' | 'tests' | 'edit' | 'review' | 'human';
  message: string;
  /** A file or a deliverable section the objection is about, when it has one. */
  where?: string;
}

/** An objection as one line for people: `where: message` when it names a place (a task, a file, a section). */
export function objectionText(o: Objection): string {
  return o.where ? `${o.where}: ${o.message}` : o.message;
}
