package dev.grove.session;

import java.util.Locale;

/** Who said a message; the wire names are the lower-case names. */
public enum Role {
  SYSTEM,
  USER,
  ASSISTANT,
  TOOL;

  // computed once: the index compares every message's role with these
  private final String wire = name().toLowerCase(Locale.ROOT);

  public String wireName() {
    return wire;
  }

  /** Parses a wire name; throws {@link IllegalArgumentException} naming the accepted values. */
  public static Role parse(String name) {
    for (Role r : values()) {
      if (r.wireName().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "not a role: '" + name + "' (expected system, user, assistant or tool)");
  }
}
