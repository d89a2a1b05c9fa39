package dev.grove.sandbox;

import dev.grove.fs.FileTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Files handed to bwrap as open descriptors (3, 4, …), for {@code --seccomp} and {@code
 * --ro-bind-data}: written to a private temporary directory, opened by a constant shell prelude
 * just before it execs bwrap (Java cannot pass a child extra descriptors), and deleted when the
 * command is done. bwrap copies what it reads while it sets the sandbox up, so nothing inside
 * depends on these files afterwards.
 */
final class PassedFiles implements AutoCloseable {
  /** What the prelude says, with exit code 125, when it cannot open a file. */
  static final String OPEN_FAILED = "grove-sandbox: cannot open";

  /**
   * Opens each file named before {@code --} as the next descriptor from 3 and execs the rest. A
   * constant script: file names arrive as positional parameters, and eval only ever sees {@code
   * exec N<"$1"}.
   */
  static final String OPEN_SCRIPT =
      "n=3; while [ \"$1\" != -- ]; do [ -r \"$1\" ] || { echo \""
          + OPEN_FAILED
          + " $1\" >&2; exit 125; }; eval \"exec $n<\\\"\\$1\\\"\"; n=$((n + 1)); shift; done; shift; exec \"$@\"";

  private final List<Path> files = new ArrayList<>();
  private Path dir;

  /**
   * Writes {@code content} to a new private file and returns the descriptor bwrap will read it
   * from.
   */
  int add(String name, byte[] content) {
    try {
      if (dir == null) {
        dir = Files.createTempDirectory("grove-sandbox-"); // mode 0700
      }
      Path file = Files.write(dir.resolve(files.size() + "-" + name), content);
      files.add(file);
      return 2 + files.size();
    } catch (IOException e) {
      throw new SandboxException.SetupFailed(
          "cannot write the sandbox's "
              + name
              + " to a temporary file: "
              + e.getMessage()
              + " (is java.io.tmpdir writable?)",
          e);
    }
  }

  /** The prelude that opens the files, to put before bwrap; empty when there are none. */
  List<String> prefix() {
    if (files.isEmpty()) {
      return List.of();
    }
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", OPEN_SCRIPT, "grove-open"));
    files.forEach(f -> argv.add(f.toString()));
    argv.add("--");
    return argv;
  }

  @Override
  public void close() {
    if (dir != null) {
      // what cannot be removed stays: it would hold nothing secret (a filter, a filtered config)
      FileTree.deleteQuietly(dir);
    }
  }
}
