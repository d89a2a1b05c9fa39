package dev.grove.orchestrator;

import java.util.Locale;

/** Where a run is, as its events and its lock say. */
public enum RunState {
  /** A live process is working on it. */
  LIVE,
  /** No process is working on it and it has work left: stopped, killed, or with unshipped lanes. */
  INTERRUPTED,
  /** Every lane ended, and nothing is left to do. */
  FINISHED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
