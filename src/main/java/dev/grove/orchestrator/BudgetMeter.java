package dev.grove.orchestrator;

import dev.grove.model.ChatModel;
import dev.grove.model.ModelException;
import dev.grove.model.ModelReply;
import dev.grove.model.ModelRequest;

/**
 * What a live run has spent on models, against its budget. Every model the run makes — its agents',
 * the orchestrator agent's, the judge's — is wrapped ({@link #wrap}), so each reply's cost is
 * charged as it arrives, from whichever thread made the call. The charge that reaches the budget
 * tells the run once ({@link #onReached}). From then on every call is refused before it is sent:
 * the agent making it stops there, between two steps, as on Ctrl-C (no tool is cut off half way),
 * and records that it stopped. Calls already under way finish and are charged, so a run can
 * overshoot its budget by at most one call per lane then running. Safe for many threads.
 */
final class BudgetMeter {
  private Double limit;
  private double spent;
  private boolean reached;
  private Runnable onReached = () -> {};

  /**
   * @param limit the budget in dollars, or null for none
   * @param spent what the run spent before (a reopened run's calls so far)
   */
  BudgetMeter(Double limit, double spent) {
    this.limit = limit;
    this.spent = spent;
  }

  synchronized void onReached(Runnable action) {
    this.onReached = action;
  }

  /** Adds a call's cost; the charge that reaches the budget tells the run, once. */
  void charge(double cost) {
    boolean crossed;
    Runnable action;
    synchronized (this) {
      spent += cost;
      crossed = limit != null && !reached && spent >= limit;
      reached |= crossed;
      action = onReached;
    }
    if (crossed) {
      action.run();
    }
  }

  /** Whether nothing more may be spent. */
  synchronized boolean spentOut() {
    return limit != null && spent >= limit;
  }

  synchronized double spent() {
    return spent;
  }

  synchronized Double limit() {
    return limit;
  }

  /** The model, its every reply charged here. */
  ChatModel wrap(ChatModel model) {
    return new ChatModel() {
      @Override
      public ModelReply chat(ModelRequest request) {
        if (spentOut()) {
          Thread.currentThread().interrupt(); // the agent stops here, between two steps
          throw ModelException.refused(
              String.format(
                  java.util.Locale.ROOT,
                  "the run's budget of $%.2f is spent ($%.4f): grove resume --budget MORE carries on",
                  limit(),
                  spent()));
        }
        ModelReply reply = model.chat(request);
        charge(reply.usage().cost());
        return reply;
      }

      @Override
      public String name() {
        return model.name();
      }
    };
  }
}
