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
