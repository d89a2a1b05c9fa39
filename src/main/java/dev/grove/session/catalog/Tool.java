package dev.grove.session.catalog;

import java.util.Locale;

/**
 * The tool that wrote a session file, as the catalog tells it from the file's first lines, with
 * what it needs to read each: where a record keeps its message ({@code message} for pi and Claude
 * Code, {@code payload} for Codex, the entry itself for grove) and how an entry without an id of
 * its own is named (as {@code grove session} names it, so a hit's id opens with {@code session
 * show}).
 */
public enum Tool {
  GROVE("grove"),
  PI("pi"),
  CLAUDE("claude"),
  CODEX("codex"),
  /** Not (yet) told: empty, damaged first lines, or no format grove reads. */
  UNKNOWN("?");

  private final String label;

  Tool(String label) {
    this.label = label;
  }

  /**
   * The name grove prints ({@code grove}, {@code pi}, {@code claude}, {@code codex}, {@code ?}).
   */
  public String label() {
    return label;
  }

  /** The tool named {@code name} (case-insensitive), for {@code --tool}. */
  public static Tool named(String name) {
    for (Tool t : values()) {
      if (t != UNKNOWN && t.label.equals(name.toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "no tool " + name + " (grove lists sessions of grove, pi, claude and codex)");
  }

  /**
   * The id of the entry on line {@code lineNo} that has none of its own, as the converters name it.
   */
  String lineId(int lineNo) {
    return switch (this) {
      case PI -> String.format(Locale.ROOT, "%08x", lineNo);
      case CODEX -> String.format(Locale.ROOT, "codex-%08d", lineNo);
      case CLAUDE, GROVE, UNKNOWN -> String.format(Locale.ROOT, "line-%08d", lineNo);
    };
  }
}
