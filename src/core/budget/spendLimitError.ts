import { BudgetExceededError } from '../models/budgetExceededError';

/**
 * Thrown before a model call whose estimate would take the user's spend across all tickets past the daily or
 * monthly limit (USD). A {@link BudgetExceededError}, so the ticket stops in `budget-exceeded` like at its own
 * budget, with this message as the reason.
 */
export class SpendLimitError extends BudgetExceededError {
  constructor(spentUsd: number, estimateUsd: number, limitUsd: number, readonly period: 'day' | 'month') {
    super(spentUsd, estimateUsd, limitUsd);
    this.message = `${period === 'day' ? 'daily' : 'monthly'} spend limit reached: $${spentUsd.toFixed(4)} spent this ${period} across all tickets, the next call is estimated at $${estimateUsd.toFixed(4)}, limit $${limitUsd.toFixed(2)}`;
  }
}
