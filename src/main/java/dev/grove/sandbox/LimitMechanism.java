package dev.grove.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * How this host lets grove cap the processes and memory of one command, found by trying it, best
 * first:
 *
 * <ol>
 *   <li>{@link Cgroups}: a cgroup per command, created where grove may write, with pids and memory
 *       limits on all the command's processes together. Works for root (who is exempt from
 *       RLIMIT_NPROC) and where a cgroup v2 subtree is delegated to the user.
 *   <li>{@link Rlimits}: prlimit inside the sandbox's user namespace. RLIMIT_NPROC counts per user
 *       namespace since Linux 5.14, so it caps the command's processes without counting the user's
 *       others; but root is exempt. RLIMIT_DATA caps memory per process, not in total.
 *   <li>{@link Unenforced}: neither is possible; commands run without process and memory caps.
 * </ol>
 */
sealed interface LimitMechanism {
  /**
   * Per-command cgroups under {@code parents}: for cgroup v1 one directory per hierarchy (pids,
   * memory), for v2 one directory.
   */
  record Cgroups(boolean v2, List<Path> parents) implements LimitMechanism {
    public Cgroups {
      parents = List.copyOf(parents);
    }
  }

  /** prlimit inside the sandbox; {@code processes} is false where RLIMIT_NPROC would not hold. */
  record Rlimits(Path prlimit, boolean processes, String why) implements LimitMechanism {}

  record Unenforced(String why) implements LimitMechanism {}

  String CGROUP_PREFIX = "grove-";

  default boolean capsProcesses() {
    return switch (this) {
      case Cgroups c -> true;
      case Rlimits r -> r.processes();
      case Unenforced u -> false;
    };
  }

  default String describe() {
    return switch (this) {
      case Cgroups c ->
          "processes and memory: a cgroup "
              + (c.v2() ? "v2" : "v1")
              + " per command under "
              + String.join(", ", c.parents().stream().map(Path::toString).toList());
      case Rlimits r ->
          (r.processes()
                  ? "processes: RLIMIT_NPROC in the sandbox's user namespace; "
                  : "processes: not capped (" + r.why() + "); ")
              + "memory: RLIMIT_DATA, per process (not in total)";
      case Unenforced u -> "processes and memory: not capped (" + u.why() + ")";
    };
  }

  /** What to do for better limits, or empty when they are as good as they get. */
  default Optional<String> advice() {
    return switch (this) {
      case Cgroups c -> Optional.empty();
      case Rlimits r ->
          Optional.of(
              "To cap all of a command's processes and memory together, grove needs to "
                  + "create cgroups with the pids and memory controllers: as root with a writable /sys/fs/cgroup, or, "
                  + "with cgroup v2, where the parent of grove's own cgroup is delegated to your user and enables pids "
                  + "and memory for its children"
                  + (r.processes() ? "." : "; as root, the process cap needs that."));
      case Unenforced u ->
          Optional.of(
              "Install util-linux (it has prlimit): `sudo apt-get install util-linux`; "
                  + "or let grove create cgroups (as root with a writable /sys/fs/cgroup).");
    };
  }

  /**
   * Finds the best mechanism, trying each end to end (a real process joins a real cgroup). Also
   * removes the empty cgroups of grove processes that died without cleaning up.
   */
  static LimitMechanism detect(Map<String, String> env, Path proc) {
    List<String> tried = new ArrayList<>();
    for (Cgroups candidate : cgroupCandidates(proc, tried)) {
      sweepStale(candidate);
      Optional<String> failure = Cgroup.tryOut(candidate);
      if (failure.isEmpty()) {
        return candidate;
      }
      tried.add(failure.get());
    }
    String noCgroup =
        tried.isEmpty() ? "no cgroup hierarchy with pids and memory" : String.join("; ", tried);
    Optional<Path> prlimit = Executables.find("prlimit", env.get("PATH"));
    if (prlimit.isEmpty()) {
      return new Unenforced("prlimit (util-linux) is not on PATH, and " + noCgroup);
    }
    int uid = realUid(proc);
    if (uid == 0) {
      return new Rlimits(prlimit.get(), false, "root is exempt from RLIMIT_NPROC, and " + noCgroup);
    }
    if (!kernelAtLeast(proc, 5, 14)) {
      return new Rlimits(
          prlimit.get(),
          false,
          "before Linux 5.14 RLIMIT_NPROC counts all of the user's processes, and " + noCgroup);
    }
    return new Rlimits(prlimit.get(), true, "");
  }

  /** v2 first (one hierarchy holds both controllers), then v1. */
  private static List<Cgroups> cgroupCandidates(Path proc, List<String> notes) {
    List<Cgroups> found = new ArrayList<>();
    List<String> mountinfo;
    List<String> membership;
    try {
      mountinfo = Files.readAllLines(proc.resolve("self/mountinfo"));
      membership = Files.readAllLines(proc.resolve("self/cgroup"));
    } catch (IOException e) {
      notes.add("cannot read /proc/self/cgroup: " + e.getMessage());
      return found;
    }
    // v2: a child of our own cgroup, or (since ours has processes, ours cannot have controllers for
    // children unless it is the root) a sibling of it under our parent.
    List<CgroupMount> mounts =
        mountinfo.stream().flatMap(l -> CgroupMount.parse(l).stream()).toList();
    for (CgroupMount m : mounts) {
      if (!m.v2()) {
        continue;
      }
      own(membership, "")
          .flatMap(m::directory)
          .ifPresent(
              dir -> {
                Path candidate = dir.equals(m.mountPoint()) ? dir : dir.getParent();
                if (controllers(candidate.resolve("cgroup.subtree_control"))
                    .containsAll(List.of("pids", "memory"))) {
                  found.add(new Cgroups(true, List.of(candidate)));
                } else {
                  notes.add(
                      "cgroup v2 at "
                          + candidate
                          + " does not give children the pids and memory controllers");
                }
              });
    }
    // v1: one hierarchy per controller; v1 has no rule against processes in inner cgroups.
    Optional<Path> pids = Optional.empty();
    Optional<Path> memory = Optional.empty();
    for (CgroupMount m : mounts) {
      if (m.v2()) {
        continue;
      }
      if (m.controllers().contains("pids")) {
        pids = own(membership, "pids").flatMap(m::directory);
      }
      if (m.controllers().contains("memory")) {
        memory = own(membership, "memory").flatMap(m::directory);
      }
    }
    if (pids.isPresent() && memory.isPresent()) {
      found.add(
          new Cgroups(
              false, new ArrayList<>(new LinkedHashSet<>(List.of(pids.get(), memory.get())))));
    }
    return found;
  }

  /** Our cgroup path for {@code controller} ("" for v2) from /proc/self/cgroup. */
  private static Optional<String> own(List<String> membership, String controller) {
    for (String line : membership) {
      String[] f = line.split(":", 3);
      if (f.length == 3
          && (controller.isEmpty()
              ? f[0].equals("0") && f[1].isEmpty()
              : List.of(f[1].split(",")).contains(controller))) {
        return Optional.of(f[2]);
      }
    }
    return Optional.empty();
  }

  private static List<String> controllers(Path file) {
    try {
      return List.of(Files.readString(file).strip().split("\\s+"));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** One line of /proc/self/mountinfo that mounts a cgroup hierarchy. */
  record CgroupMount(Path mountPoint, String root, boolean v2, List<String> controllers) {
    /** The cgroup mount on this line, or empty for a line that mounts something else. */
    static Optional<CgroupMount> parse(String line) {
      int dash = line.indexOf(" - ");
      if (dash < 0) {
        return Optional.empty();
      }
      String[] before = line.substring(0, dash).split(" ");
      String[] after = line.substring(dash + 3).split(" ");
      if (before.length < 5 || after.length < 3) {
        return Optional.empty();
      }
      boolean v2 = after[0].equals("cgroup2");
      if (!v2 && !after[0].equals("cgroup")) {
        return Optional.empty();
      }
      return Optional.of(
          new CgroupMount(
              Path.of(unescape(before[4])), unescape(before[3]), v2, List.of(after[2].split(","))));
    }

    /** Where our cgroup {@code path} is under this mount, if this mount shows it. */
    Optional<Path> directory(String path) {
      if (!path.startsWith("/")) {
        return Optional.empty();
      }
      String relative;
      if (root.equals("/")) {
        relative = path.substring(1);
      } else if (path.equals(root) || path.startsWith(root + "/")) {
        relative = path.substring(root.length()).replaceFirst("^/", "");
      } else {
        return Optional.empty();
      }
      Path dir = relative.isEmpty() ? mountPoint : mountPoint.resolve(relative);
      return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
      return s.replace("\\040", " ")
          .replace("\\011", "\t")
          .replace("\\012", "\n")
          .replace("\\134", "\\");
    }
  }

  /** Removes empty per-command cgroups whose grove process is gone (killed before it could). */
  private static void sweepStale(Cgroups c) {
    for (Path parent : c.parents()) {
      try (Stream<Path> children = Files.list(parent)) {
        for (Path dir : children.toList()) {
          String name = dir.getFileName().toString();
          if (!name.startsWith(CGROUP_PREFIX) || !Files.isDirectory(dir)) {
            continue;
          }
          String[] parts = name.split("-");
          if (parts.length == 3
              && parts[1].chars().allMatch(Character::isDigit)
              && ProcessHandle.of(Long.parseLong(parts[1])).isEmpty()) {
            Files.deleteIfExists(dir); // fails, harmlessly, if something still runs in it
          }
        }
      } catch (IOException | RuntimeException e) {
        // a cgroup we could not remove stays; it costs nothing while empty
      }
    }
  }

  /** A name for one command's cgroup: grove-<our pid>-<random>, so stale ones can be told apart. */
  static String newCgroupName() {
    byte[] random = new byte[6];
    ThreadLocalRandom.current().nextBytes(random);
    return CGROUP_PREFIX + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
  }

  private static int realUid(Path proc) {
    try {
      for (String line : Files.readAllLines(proc.resolve("self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.substring(4).strip().split("\\s+")[0]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through
    }
    return -1;
  }

  private static boolean kernelAtLeast(Path proc, int major, int minor) {
    try {
      String[] v = Files.readString(proc.resolve("sys/kernel/osrelease")).strip().split("[.-]");
      int ma = Integer.parseInt(v[0]);
      int mi = Integer.parseInt(v[1]);
      return ma > major || ma == major && mi >= minor;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
