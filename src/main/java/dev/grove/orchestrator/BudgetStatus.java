package dev.grove.orchestrator;

/**
 * What a run may spend on models and what it has spent: every lane, retry, attempt, the
 * orchestrator agent and the judge.
 *
 * @param limit the budget in US dollars, or null for none
 * @param reached whether the run was stopped for it (and its budget not raised since)
 */
public record BudgetStatus(Double limit, double spent, boolean reached) {
  /** Whether nothing more may be spent. */
  public boolean spentOut() {
    return limit != null && spent >= limit;
  }
}
