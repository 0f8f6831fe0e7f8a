/** Thrown before a model call whose estimate would take the ticket past its budget (USD). */
export class BudgetExceededError extends Error {
  override readonly name = 'BudgetExceededError';
  constructor(
    readonly spentUsd: number,
    readonly estimateUsd: number,
    readonly budgetUsd: number,
  ) {
    super(
      `budget exceeded: spent $${spentUsd.toFixed(4)}, the next call is estimated at $${estimateUsd.toFixed(4)}, budget $${budgetUsd.toFixed(2)}`,
    );
  }
}
