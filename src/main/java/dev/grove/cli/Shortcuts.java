package dev.grove.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The session commands that read, run without picocli when their command line is plain: {@code
 * grove session leaves|tree|show|context FILE…} with only the options each command knows, each
 * given once, with its value as the next argument. Picocli cannot be put in the JVM's start-up
 * cache (its classes are Java 5 class files, which the AOT cache refuses), and building its command
 * line costs about twice what the rest of such a command does.
 *
 * <p>Anything else (help, {@code -V}, an unknown, repeated or {@code =}-joined option, a missing or
 * extra argument, {@code --}, an {@code @file}) is left to picocli, so every message, help text and
 * exit code is picocli's, as before. The commands themselves are the same objects picocli would
 * create, with the same fields set, and an exception they throw is reported by {@link Exits}.
 */
final class Shortcuts {
  private Shortcuts() {}

  /** What a plain command line gave: its arguments in order, its flags, its options' values. */
  private record Given(List<String> args, Set<String> flags, Map<String, String> options) {
    String arg(int i) {
      return args.get(i);
    }

    String option(String name) {
      return options.get(name);
    }

    JsonFlag json() {
      JsonFlag json = new JsonFlag();
      json.json = flags.contains("--json");
      return json;
    }
  }

  /**
   * The session commands that read. To add one: its name, the arguments it takes after its name,
   * the options that take no value and those that take one, and how its command is made from what
   * was given (empty when picocli must judge it). Constants with bodies rather than lambdas: a
   * lambda's first use costs a bootstrap when the start-up cache is off.
   */
  private enum Shortcut {
    LEAVES("leaves", 1, Set.of("--json"), Set.of()) {
      @Override
      Optional<Callable<Integer>> make(Context ctx, Given g) {
        SessionCommand.Leaves c = new SessionCommand.Leaves(ctx);
        c.file = Path.of(g.arg(0));
        c.json = g.json();
        return Optional.of(c);
      }
    },
    TREE("tree", 1, Set.of("--json", "--all"), Set.of("--lane")) {
      @Override
      Optional<Callable<Integer>> make(Context ctx, Given g) {
        SessionCommand.Tree c = new SessionCommand.Tree(ctx);
        c.file = Path.of(g.arg(0));
        c.lane = g.option("--lane");
        c.all = g.flags().contains("--all");
        c.json = g.json();
        return Optional.of(c);
      }
    },
    SHOW("show", 2, Set.of(), Set.of()) {
      @Override
      Optional<Callable<Integer>> make(Context ctx, Given g) {
        SessionCommand.Show c = new SessionCommand.Show(ctx);
        c.file = Path.of(g.arg(0));
        c.id = g.arg(1);
        return Optional.of(c);
      }
    },
    CONTEXT("context", 1, Set.of("--json"), Set.of("--lane", "--entry")) {
      @Override
      Optional<Callable<Integer>> make(Context ctx, Given g) {
        if (g.options().size() != 1) {
          return Optional.empty(); // exactly one of --entry and --lane: picocli says so
        }
        SessionCommand.Context_ c = new SessionCommand.Context_(ctx);
        c.file = Path.of(g.arg(0));
        c.target = new SessionCommand.Target();
        c.target.lane = g.option("--lane");
        c.target.entry = g.option("--entry");
        c.json = g.json();
        return Optional.of(c);
      }
    };

    final String command;
    final int positionals;
    final Set<String> flags;
    final Set<String> options;

    Shortcut(String command, int positionals, Set<String> flags, Set<String> options) {
      this.command = command;
      this.positionals = positionals;
      this.flags = flags;
      this.options = options;
    }

    abstract Optional<Callable<Integer>> make(Context ctx, Given g);
  }

  /**
   * Runs {@code args} when it is a plain command line of a shortcut and returns its exit code;
   * empty (having done nothing) when picocli must run it.
   */
  static OptionalInt run(Context ctx, String... args) {
    Optional<Callable<Integer>> command = command(ctx, args);
    if (command.isEmpty()) {
      return OptionalInt.empty();
    }
    int code;
    try {
      Integer returned = command.get().call();
      code = returned == null ? Exits.OK : returned;
    } catch (Exception e) { // as picocli hands it to the execution exception handler
      code = Exits.report(ctx, e);
    }
    return OptionalInt.of(code);
  }

  /** The command {@code args} runs, when it is a plain command line of a shortcut. */
  static Optional<Callable<Integer>> command(Context ctx, String... args) {
    if (args.length < 3 || !args[0].equals("session")) {
      return Optional.empty();
    }
    for (Shortcut s : Shortcut.values()) {
      if (s.command.equals(args[1])) {
        Optional<Given> given = plain(s, args);
        return given.isPresent() ? s.make(ctx, given.get()) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** What a plain command line of {@code s} gives, from {@code args[2]} on. */
  private static Optional<Given> plain(Shortcut s, String... args) {
    List<String> positionals = new ArrayList<>();
    Set<String> flags = new HashSet<>();
    Map<String, String> options = new HashMap<>();
    for (int i = 2; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("@")) {
        return Optional.empty(); // picocli reads the arguments from that file
      }
      if (!a.startsWith("-")) {
        positionals.add(a);
      } else if (s.flags.contains(a)) {
        if (!flags.add(a)) {
          return Optional.empty();
        }
      } else if (s.options.contains(a)
          && i + 1 < args.length
          && !args[i + 1].startsWith("-")
          && !args[i + 1].startsWith("@")
          && !options.containsKey(a)) {
        options.put(a, args[++i]);
      } else {
        return Optional.empty();
      }
    }
    if (positionals.size() != s.positionals) {
      return Optional.empty();
    }
    return Optional.of(new Given(positionals, flags, options));
  }
}
