package dev.grove.model;

import dev.grove.session.Body;
import dev.grove.session.Role;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted model's condition on the conversation so far. {@link #test} answers with the values
 * captured by the named groups of its regular expressions when it holds, and empty when it does
 * not.
 */
sealed interface Condition {

  /** The conversation a condition looks at: the messages so far and the tools on offer. */
  record Conversation(List<Body.Message> messages, Set<String> tools) {}

  Optional<Map<String, String>> test(Conversation c);

  /** The names of the groups this condition may capture (not counting those under {@code not}). */
  Set<String> captures();

  Condition ALWAYS = new All(List.of());

  /** Holds when every part holds; captures from all of them. */
  record All(List<Condition> parts) implements Condition {
    @Override
    public Optional<Map<String, String>> test(Conversation c) {
      Map<String, String> got = new HashMap<>();
      for (Condition p : parts) {
        Optional<Map<String, String>> r = p.test(c);
        if (r.isEmpty()) {
          return Optional.empty();
        }
        got.putAll(r.get());
      }
      return Optional.of(got);
    }

    @Override
    public Set<String> captures() {
      return union(parts);
    }
  }

  /** Holds when one part holds; captures from the first that does. */
  record AnyOf(List<Condition> parts) implements Condition {
    @Override
    public Optional<Map<String, String>> test(Conversation c) {
      return first(parts, p -> p.test(c));
    }

    @Override
    public Set<String> captures() {
      return union(parts);
    }
  }

  record Not(Condition inner) implements Condition {
    @Override
    public Optional<Map<String, String>> test(Conversation c) {
      return inner.test(c).isPresent() ? Optional.empty() : Optional.of(Map.of());
    }

    @Override
    public Set<String> captures() {
      return Set.of();
    }
  }

  /** The request offers a tool of this name. */
  record HasTool(String name) implements Condition {
    @Override
    public Optional<Map<String, String>> test(Conversation c) {
      return c.tools().contains(name) ? Optional.of(Map.of()) : Optional.empty();
    }

    @Override
    public Set<String> captures() {
      return Set.of();
    }
  }

  /** An earlier assistant turn of the conversation called a tool of this name. */
  record Called(String tool) implements Condition {
    @Override
    public Optional<Map<String, String>> test(Conversation c) {
      boolean called =
          c.messages().stream()
              .anyMatch(m -> m.toolCalls().stream().anyMatch(call -> call.name().equals(tool)));
      return called ? Optional.of(Map.of()) : Optional.empty();
    }

    @Override
    public Set<String> captures() {
      return Set.of();
    }
  }

  /** Which messages a test looks at. */
  enum Selector {
    LAST_TOOL_RESULT("lastToolResult", Role.TOOL, true),
    ANY_TOOL_RESULT("anyToolResult", Role.TOOL, false),
    LAST_USER("lastUser", Role.USER, true),
    ANY_USER("anyUser", Role.USER, false),
    TASK("task", Role.USER, true),
    SYSTEM("system", Role.SYSTEM, false),
    LAST_ASSISTANT("lastAssistant", Role.ASSISTANT, true);

    final String key;
    final Role role;
    final boolean single;

    Selector(String key, Role role, boolean single) {
      this.key = key;
      this.role = role;
      this.single = single;
    }

    static Optional<Selector> byKey(String key) {
      for (Selector s : values()) {
        if (s.key.equals(key)) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }

    /** The candidate messages, most recent first (the task: only the first user message). */
    List<Body.Message> pick(List<Body.Message> messages) {
      List<Body.Message> of = messages.stream().filter(m -> m.role() == role).toList();
      if (of.isEmpty()) {
        return of;
      }
      if (this == TASK) {
        return List.of(of.get(0));
      }
      if (single) {
        return List.of(of.get(of.size() - 1));
      }
      return of.reversed();
    }
  }

  /**
   * A test of message text: {@code contains} (ignoring case), {@code matches} (a regular expression
   * found anywhere; its named groups are captured), {@code failed} (a tool result marked as an
   * error, or not). Absent parts are not tested; with none, the message only has to exist.
   */
  record Test(String contains, Pattern matches, Boolean failed) {
    Optional<Map<String, String>> test(Body.Message m) {
      String text = m.content() == null ? "" : m.content();
      if (failed != null && m.isError() != failed) {
        return Optional.empty();
      }
      if (contains != null
          && !text.toLowerCase(Locale.ROOT).contains(contains.toLowerCase(Locale.ROOT))) {
        return Optional.empty();
      }
      if (matches == null) {
        return Optional.of(Map.of());
      }
      Matcher mt = matches.matcher(text);
      if (!mt.find()) {
        return Optional.empty();
      }
      Map<String, String> got = new HashMap<>();
      for (String name : matches.namedGroups().keySet()) {
        if (mt.group(name) != null) {
          got.put(name, mt.group(name));
        }
      }
      return Optional.of(got);
    }
  }

  /** Some message picked by the selector passes the test (for "any", the most recent that does). */
  record On(Selector selector, Test test) implements Condition {
    @Override
    public Optional<Map<String, String>> test(Conversation c) {
      return first(selector.pick(c.messages()), test::test);
    }

    @Override
    public Set<String> captures() {
      return test.matches() == null ? Set.of() : test.matches().namedGroups().keySet();
    }
  }

  /** The captures of the first item that passes, or empty when none does. */
  private static <T> Optional<Map<String, String>> first(
      List<T> items, java.util.function.Function<T, Optional<Map<String, String>>> test) {
    return items.stream().map(test).flatMap(Optional::stream).findFirst();
  }

  private static Set<String> union(List<Condition> parts) {
    Set<String> all = new java.util.TreeSet<>();
    parts.forEach(p -> all.addAll(p.captures()));
    return all;
  }
}
