package dev.grove.sandbox;

import java.util.Locale;

/** How commands are confined. A container backend (docker/podman) is the next one planned. */
public enum Backend {
  /** Linux namespaces through bubblewrap ({@code bwrap}): the default on Linux. */
  BUBBLEWRAP,
  /**
   * No confinement: commands run directly on the host. An explicit opt-in; callers must show {@link
   * Sandbox#warning()} every run.
   */
  NONE;

  /** The name used on the command line and in JSON. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
