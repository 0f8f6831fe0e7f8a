import { BudgetExceededError } from '../models/budgetExceededError';
import { formatUsd } from '../models/costLedger';

/**
 * Thrown before a model call whose estimate would take the user's spend across all tickets past the daily or
 * monthly limit (USD). A {@link BudgetExceededError}, so the ticket stops in `budget-exceeded` like at its own
 * budget, with this message as the reason.
 */
export class SpendLimitError extends BudgetExceededError {
  constructor(spentUsd: number, estimateUsd: number, limitUsd: number, readonly period: 'day' | 'month') {
    super(spentUsd, estimateUsd, limitUsd);
    this.message = `${period === 'day' ? 'daily' : 'monthly'} spend limit reached: ${formatUsd(spentUsd)} spent this ${period} across all tickets, the next call is estimated at ${formatUsd(estimateUsd)}, limit ${formatUsd(limitUsd)}`;
  }
}
