import { z } from 'zod';
import { TicketKind } from '../ticket/ticket';

/** A ticket written inline in a suite: the fields of a ticket file, without its id (the evaluation gives one). */
export const InlineTicket = z.strictObject({
  kind: TicketKind,
  title: z.string().min(1).max(200),
  body: z.string().default(''),
  acceptanceCriteria: z.array(z.string()).default([]),
});

/** Fields an instance may set for itself, or the suite for all its instances under `defaults`. */
const Commands = {
  setupCommand: z.string().optional(),
  testCommand: z.string().optional(),
  checkCommand: z.string().optional(),
};

/**
 * The Shipwright suite file (`.json`, or `.yaml`/`.yml`), e.g.
 * ```json
 * { "version": 1, "name": "calculator", "defaults": { "setupCommand": "npm ci" },
 *   "instances": [{ "id": "subtract", "repo": "../calculator", "baseCommit": "3f2c…",
 *     "ticket": { "kind": "feature", "title": "Add subtract", "body": "…" },
 *     "testPatch": "diff --git a/test/subtract.test.js …", "failToPass": ["test/subtract.test.js"],
 *     "passToPass": ["test/calculator.test.js"] }] }
 * ```
 * `ticket` may also be the text of a ticket file (front matter and markdown). `mirrorDir` names the folder where
 * git URLs and `owner/name` repositories are looked up (relative to the suite file).
 */
export const ShipwrightSuiteFile = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1).optional(),
  mirrorDir: z.string().optional(),
  defaults: z.strictObject(Commands).default({}),
  instances: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        repo: z.string().min(1),
        baseCommit: z.string(),
        /** The text of a ticket file, or an {@link InlineTicket}; checked when the instance is read. */
        ticket: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
        testPatch: z.string(),
        failToPass: z.array(z.string()),
        passToPass: z.array(z.string()).default([]),
        ...Commands,
      }),
    )
    .min(1, 'a suite needs at least one instance'),
});
export type ShipwrightSuiteFile = z.infer<typeof ShipwrightSuiteFile>;
