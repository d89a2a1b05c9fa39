package dev.grove.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The mounts that make a command's view of the file system, over a read-only bind of the host root.
 * Mounts apply from the shallowest path to the deepest, so a deeper rule always wins over the rule
 * of a directory around it: a worktree inside hidden GROVE_HOME is visible, a hidden {@code .grove}
 * inside a read-write worktree is not. At the same path the later kind in {@link Kind} wins.
 *
 * <p>Paths that do not exist on the host are left out: there is nothing to hide or show there. So
 * are hidden paths that are invisible already (inside a hidden or private directory, nothing shown
 * between).
 */
final class MountPlan {
  /** What a path becomes inside; the order is the precedence at one path. */
  enum Kind {
    /** An empty, writable, private tmpfs: /tmp, the home directory. */
    PRIVATE,
    /** Invisible: an empty read-only tmpfs for a directory, an empty file for a file. */
    HIDDEN,
    READ_ONLY,
    READ_WRITE
  }

  record Mount(Kind kind, Path path) {}

  private final Set<Mount> mounts = new LinkedHashSet<>();

  void add(Kind kind, Path path) {
    if (Files.exists(path)) {
      mounts.add(new Mount(kind, path));
    }
  }

  List<Mount> ordered() {
    return mounts.stream()
        .sorted(
            Comparator.comparingInt((Mount m) -> m.path().getNameCount())
                .thenComparing(Mount::kind))
        .toList();
  }

  /**
   * bwrap's arguments for the plan.
   *
   * @param privateSize the size of each private tmpfs, or 0 to leave it to the kernel (bwrap before
   *     0.7)
   */
  List<String> bwrapArgs(long privateSize) {
    List<Mount> ordered = ordered();
    List<String> args = new ArrayList<>();
    List<Path> remountReadOnly = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i++) {
      Mount m = ordered.get(i);
      String p = m.path().toString();
      switch (m.kind()) {
        case PRIVATE -> {
          if (privateSize > 0) {
            args.addAll(List.of("--size", Long.toString(privateSize)));
          }
          args.addAll(List.of("--tmpfs", p));
        }
        case HIDDEN -> {
          if (alreadyInvisible(ordered, i)) {
            continue; // a mount here would only add an empty mount point where nothing shows
          }
          if (Files.isDirectory(m.path())) {
            args.addAll(List.of("--tmpfs", p));
            if (!shadowed(ordered, i)) {
              // made read-only only after everything inside it is mounted: bwrap creates mount
              // points in it
              remountReadOnly.add(m.path());
            }
          } else {
            args.addAll(List.of("--ro-bind", "/dev/null", p));
          }
        }
        case READ_ONLY -> args.addAll(List.of("--ro-bind", p, p));
        case READ_WRITE -> args.addAll(List.of("--bind", p, p));
      }
    }
    for (Path p : remountReadOnly) {
      args.addAll(List.of("--remount-ro", p.toString()));
    }
    return args;
  }

  /**
   * Whether the path of mount {@code i} is invisible already: the nearest mount above it is hidden
   * or private. (Mounts are ordered by depth, so that mount comes earlier; at one path, the last
   * wins.)
   */
  private static boolean alreadyInvisible(List<Mount> ordered, int i) {
    Path p = ordered.get(i).path();
    Mount nearest = null;
    for (int j = 0; j < i; j++) {
      Mount above = ordered.get(j);
      if (!above.path().equals(p)
          && p.startsWith(above.path())
          && (nearest == null || above.path().getNameCount() >= nearest.path().getNameCount())) {
        nearest = above;
      }
    }
    return nearest != null && (nearest.kind() == Kind.HIDDEN || nearest.kind() == Kind.PRIVATE);
  }

  /** Whether a later mount covers the same path (remounting would then hit that one instead). */
  private static boolean shadowed(List<Mount> ordered, int i) {
    Path p = ordered.get(i).path();
    for (int j = i + 1; j < ordered.size(); j++) {
      if (ordered.get(j).path().equals(p)) {
        return true;
      }
    }
    return false;
  }
}
