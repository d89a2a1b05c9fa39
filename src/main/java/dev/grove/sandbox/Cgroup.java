package dev.grove.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One command's cgroup (one directory per v1 hierarchy, one for v2): created with its limits before
 * the command starts, joined by the command's first process before it execs bwrap (so everything in
 * the sandbox, bwrap included, is inside), emptied and removed when the command is done.
 */
final class Cgroup implements AutoCloseable {
  /** What the join script says, with exit code 125, when it cannot join. */
  static final String JOIN_FAILED = "grove-sandbox: cannot join cgroup";

  /**
   * Joins every cgroup named before {@code --} and execs the rest. A constant script: paths and the
   * command arrive as positional parameters, never as shell text.
   */
  static final String JOIN_SCRIPT =
      "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || "
          + "{ echo \""
          + JOIN_FAILED
          + " $1\" >&2; exit 125; }; shift; done; shift; exec \"$@\"";

  private static final Duration EMPTY_WAIT = Duration.ofSeconds(5);

  private final boolean v2;
  private final List<Path> dirs;

  private Cgroup(boolean v2, List<Path> dirs) {
    this.v2 = v2;
    this.dirs = dirs;
  }

  /** Creates the cgroup {@code name} under each parent, with the limits set. */
  static Cgroup create(LimitMechanism.Cgroups where, String name, SandboxPolicy.Limits limits) {
    List<Path> created = new ArrayList<>();
    Cgroup cg = new Cgroup(where.v2(), created);
    try {
      for (Path parent : where.parents()) {
        Path dir = parent.resolve(name);
        Files.createDirectory(dir);
        created.add(dir);
      }
      cg.write("pids.max", Integer.toString(limits.maxProcesses()));
      String memory = Long.toString(limits.maxMemoryBytes());
      if (where.v2()) {
        cg.write("memory.max", memory);
        cg.writeIfPresent("memory.swap.max", "0");
      } else {
        cg.write("memory.limit_in_bytes", memory);
        cg.writeIfPresent("memory.memsw.limit_in_bytes", memory);
      }
      return cg;
    } catch (IOException | RuntimeException e) {
      cg.close();
      throw new SandboxException.SetupFailed(
          "cannot create the command's cgroup "
              + name
              + " under "
              + where.parents()
              + ": "
              + e.getMessage()
              + " (`grove doctor` checks the limits setup)",
          e);
    }
  }

  /** Creates a cgroup, moves a real process into it, and removes it: empty if all of that works. */
  static Optional<String> tryOut(LimitMechanism.Cgroups where) {
    Cgroup cg;
    try {
      cg = create(where, LimitMechanism.newCgroupName(), SandboxPolicy.Limits.DEFAULTS);
    } catch (SandboxException e) {
      return Optional.of(e.getMessage());
    }
    try (cg) {
      List<String> argv = new ArrayList<>(cg.joinPrefix());
      argv.addAll(List.of("/bin/sh", "-c", "exit 0"));
      Execution.Outcome o =
          Execution.run(
              "cgroup probe",
              argv,
              Map.of(),
              Path.of("/"),
              Duration.ofSeconds(10),
              4096,
              ProcessHandle::destroyForcibly);
      return o.exitCode() == 0
          ? Optional.empty()
          : Optional.of(
              "a process cannot join a cgroup under "
                  + where.parents()
                  + ": "
                  + o.stderr().text().strip());
    }
  }

  /** The host-side prefix that puts the command's first process into this cgroup. */
  List<String> joinPrefix() {
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", JOIN_SCRIPT, "grove-cgroup-join"));
    for (Path dir : dirs) {
      argv.add(dir.resolve("cgroup.procs").toString());
    }
    argv.add("--");
    return argv;
  }

  /** Kills every process in the cgroup. */
  void killAll() {
    Path kill = dirs.get(0).resolve("cgroup.kill");
    if (v2 && Files.exists(kill)) {
      try {
        Files.writeString(kill, "1");
        return;
      } catch (IOException e) {
        // fall back to killing them one by one
      }
    }
    for (long pid : pids()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** The limits the command ran into, read from the kernel's event counters. */
  Set<CommandResult.Limit> reached() {
    Set<CommandResult.Limit> hit = EnumSet.noneOf(CommandResult.Limit.class);
    if (counter("pids.events", "max") > 0) {
      hit.add(CommandResult.Limit.PROCESSES);
    }
    if (counter(v2 ? "memory.events" : "memory.oom_control", "oom_kill") > 0) {
      hit.add(CommandResult.Limit.MEMORY);
    }
    return hit;
  }

  /** Waits for the cgroup to empty (killing what is left) and removes it. */
  @Override
  public void close() {
    // bwrap has exited; its PID 1 and the rest are being killed and are gone within a millisecond
    // or so.
    // An interrupted caller still gets its cgroup removed: the wait is bounded, the flag restored
    // after.
    boolean interrupted = Thread.interrupted();
    long deadline = System.nanoTime() + EMPTY_WAIT.toNanos();
    while (!pids().isEmpty() && System.nanoTime() < deadline) {
      killAll();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    for (int i = dirs.size() - 1; i >= 0; i--) {
      try {
        Files.deleteIfExists(dirs.get(i));
      } catch (IOException e) {
        // still busy: the next grove to start removes it (see LimitMechanism.sweepStale)
      }
    }
  }

  private List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    for (Path dir : dirs) {
      try {
        for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
          if (!line.isBlank()) {
            pids.add(Long.parseLong(line.strip()));
          }
        }
      } catch (IOException | NumberFormatException e) {
        // gone already
      }
    }
    return pids;
  }

  /** Writes a control file in whichever of the directories has it. */
  private void write(String file, String value) throws IOException {
    for (Path dir : dirs) {
      if (Files.exists(dir.resolve(file))) {
        Files.writeString(dir.resolve(file), value);
        return;
      }
    }
    throw new IOException("no " + file + " in " + dirs);
  }

  private void writeIfPresent(String file, String value) {
    try {
      write(file, value);
    } catch (IOException e) {
      // optional (swap accounting may be off)
    }
  }

  /** The value of {@code key} in a "key value" control file, 0 if absent. */
  private long counter(String file, String key) {
    for (Path dir : dirs) {
      Path f = dir.resolve(file);
      if (!Files.exists(f)) {
        continue;
      }
      try {
        for (String line : Files.readAllLines(f)) {
          String[] kv = line.strip().split("\\s+");
          if (kv.length == 2 && kv[0].equals(key)) {
            return Long.parseLong(kv[1]);
          }
        }
      } catch (IOException | NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }
}
