package dev.grove.session;

/** When an append may return. */
public enum Durability {
  /**
   * After its line is fsynced; concurrent appenders share one fsync (group commit). The default.
   */
  FSYNC,
  /** After its line is written to the OS; a machine crash may lose it. For tests and benchmarks. */
  NONE
}
