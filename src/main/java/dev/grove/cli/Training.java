package dev.grove.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run of the launcher's start-up cache: the short commands a user types, run
 * in-process with their output thrown away, so that the JVM records the classes they load (and how
 * they run) in an AOT cache ({@code java -XX:AOTCacheOutput=… -cp grove.jar
 * dev.grove.cli.Training}). It touches nothing but a temporary directory of its own: no repository,
 * no network, no model.
 */
final class Training {
  private Training() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("grove-training-");
    try {
      run(dir);
    } finally {
      deleteTree(dir);
    }
    System.exit(0); // as grove ends
  }

  /** Runs the commands in {@code dir}; returns their exit codes, in order. */
  static List<Integer> run(Path dir) {
    List<Integer> codes = new ArrayList<>();
    String file = dir.resolve("training.jsonl").toString();
    // what most starts are: the version, and the session commands that read a run (help, which
    // builds every command, is left out: what the cache holds is loaded at every start)
    codes.add(grove(dir, "--version"));
    codes.add(grove(dir, "session", "new", file));
    codes.add(
        grove(
            dir, "session", "append", file, "--lane", "main", "--role", "user", "--content", "hi"));
    codes.add(
        grove(
            dir,
            "session",
            "append",
            file,
            "--lane",
            "main",
            "--role",
            "assistant",
            "--content",
            "hello"));
    for (String cmd : List.of("leaves", "tree", "validate")) {
      codes.add(grove(dir, "session", cmd, file));
      codes.add(grove(dir, "session", cmd, file, "--json"));
    }
    codes.add(grove(dir, "session", "context", file, "--lane", "main"));
    codes.add(grove(dir, "session", "tree", dir.resolve("missing.jsonl").toString()));
    return codes;
  }

  private static int grove(Path dir, String... args) {
    OutputStream none = OutputStream.nullOutputStream();
    return new Main(Context.writingTo(none, none, StandardCharsets.UTF_8, Map.of(), dir, false))
        .run(args);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the training directory " + dir, e);
    }
  }
}
