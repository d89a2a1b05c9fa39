package dev.grove.session.catalog;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where session files are: the places pi, Claude Code and Codex keep theirs, and the {@code
 * *.jsonl} files under a directory. Symbolic links are not followed (a link could lead anywhere,
 * loops included); a directory that cannot be read is a warning, never a failure.
 */
public final class Places {
  private Places() {}

  /** A directory to search, to {@code depth} levels below it (1: its own files only). */
  public record Root(Path dir, int depth) {
    public Root {
      Objects.requireNonNull(dir, "dir");
      if (depth < 1) {
        throw new IllegalArgumentException("depth must be at least 1, not " + depth);
      }
    }

    /** Every level below {@code dir}. */
    public static Root below(Path dir) {
      return new Root(dir, Integer.MAX_VALUE);
    }
  }

  /**
   * Where other tools keep their sessions for the user whose home is {@code home}: pi's {@code
   * <agent dir>/sessions/<cwd>/*.jsonl} (the agent dir {@code PI_CODING_AGENT_DIR}, else {@code
   * ~/.pi/agent}); Claude Code's {@code <config dir>/projects/<cwd>/*.jsonl} and the sub-agent
   * transcripts below them ({@code CLAUDE_CONFIG_DIR}, else {@code ~/.claude}); Codex's {@code
   * <home>/sessions/YYYY/MM/DD/rollout-*.jsonl} ({@code CODEX_HOME}, else {@code ~/.codex}).
   */
  public static List<Root> usual(Path home, Map<String, String> env) {
    Path pi = dir(home, env.get("PI_CODING_AGENT_DIR"), home.resolve(".pi").resolve("agent"));
    Path claude = dir(home, env.get("CLAUDE_CONFIG_DIR"), home.resolve(".claude"));
    Path codex = dir(home, env.get("CODEX_HOME"), home.resolve(".codex"));
    return List.of(
        new Root(pi.resolve("sessions"), 3),
        new Root(claude.resolve("projects"), 4),
        new Root(codex.resolve("sessions"), 4));
  }

  private static Path dir(Path home, String set, Path otherwise) {
    if (set == null || set.isBlank()) {
      return otherwise;
    }
    String s = set.strip();
    if (s.equals("~")) {
      return home;
    }
    return s.startsWith("~/") ? home.resolve(s.substring(2)) : Path.of(s).toAbsolutePath();
  }

  /** Session files found, and what could not be looked into. */
  public record Found(List<Path> files, List<String> warnings) {
    public Found {
      files = List.copyOf(files);
      warnings = List.copyOf(warnings);
    }
  }

  /** The {@code *.jsonl} regular files under the roots that exist, each once. */
  public static Found find(List<Root> roots) {
    List<Path> files = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    java.util.Set<Path> seen = new java.util.HashSet<>();
    for (Root root : roots) {
      if (!Files.isDirectory(root.dir())) {
        continue;
      }
      try {
        Files.walkFileTree(
            root.dir(),
            EnumSet.noneOf(java.nio.file.FileVisitOption.class),
            root.depth(),
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()
                    && file.getFileName().toString().endsWith(".jsonl")
                    && seen.add(file.toAbsolutePath().normalize())) {
                  files.add(file.toAbsolutePath().normalize());
                }
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path file, IOException e) {
                warnings.add("cannot look into " + file + " (" + reason(e) + "); skipped");
                return FileVisitResult.CONTINUE;
              }
            });
      } catch (IOException e) {
        warnings.add("cannot look into " + root.dir() + " (" + reason(e) + "); skipped");
      }
    }
    return new Found(files, warnings);
  }

  static String reason(Exception e) {
    return switch (e) {
      case java.nio.file.AccessDeniedException d -> "permission denied";
      case java.nio.file.NoSuchFileException n -> "it is gone";
      default ->
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    };
  }
}
