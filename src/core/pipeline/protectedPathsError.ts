/**
 * A model's answer edits protected places (CI workflows, CODEOWNERS, hook folders…; see protectedPaths) that no
 * person allowed. Not an objection the model may argue with: the ticket stops for a person (needs-human), and the
 * message names the paths and how to allow them (config `protectedPaths.allow`) or make the change by hand.
 */
export class ProtectedPathsError extends Error {
  constructor(
    /** The repository-relative paths the answer tried to write, as the model spelled them. */
    readonly paths: readonly string[],
    /** Why each is protected (confinePath's reason), in the same order. */
    readonly reasons: readonly string[],
    ticketId: string,
  ) {
    const allow = JSON.stringify({ protectedPaths: { allow: [...new Set(paths)] } });
    super(
      `the model's change needs protected paths: ${paths.map((p, i) => `${p} (${reasons[i]})`).join('; ')}. ` +
      `Shipwright never writes these on its own. To allow it, add ${allow} to .shipwright/config.json and run ` +
      `\`shipwright resume ${ticketId}\`; or make that change yourself on the ticket's branch and resume; or stop the ticket.`,
    );
    this.name = 'ProtectedPathsError';
  }
}
