package dev.grove.orchestrator;

import dev.grove.git.Slug;
import dev.grove.lock.LockFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The lanes of a live run, and the names new ones get: a task's slug, made unique against this
 * run's lanes, the repository's worktrees and its task branches (forks of forks are numbered from
 * the original: {@code fix-login-2}, {@code -3}, …). Safe for many threads.
 */
final class Lanes {
  private static final String CLAIMS = "lanes.claimed";
  private final RunContext run;
  private final Map<String, Lane> byName = new ConcurrentHashMap<>();

  /** Names taken in this run, including those of lanes being set up. */
  private final Set<String> reserved = ConcurrentHashMap.newKeySet();

  Lanes(RunContext run) {
    this.run = run;
  }

  /** The table of a reopened run, rebuilt from its spawn events; states as the events say. */
  static Lanes load(RunContext run, RunStatus status) {
    Lanes lanes = new Lanes(run);
    for (RunLog.Logged logged : run.log().read("main")) {
      if (logged.event() instanceof RunEvent.AttemptsStarted a) {
        lanes.reserved.add(a.group()); // a group's name names no lane
      }
      if (!(logged.event() instanceof RunEvent.LaneSpawned d)) {
        continue;
      }
      Task task = new Task(d.lane(), d.task().isBlank() ? "(unknown task)" : d.task(), d.verify());
      Lane l =
          new Lane(
              d.lane(),
              task,
              d.base() != null ? d.base() : run.baseRef(),
              d.baseCommit() != null ? d.baseCommit() : run.baseCommit(),
              d.model(),
              d.forkOf(),
              run.options().retries(),
              d.attemptOf());
      status.lanes().stream()
          .filter(s -> s.lane().equals(d.lane()))
          .findFirst()
          .ifPresent(s -> l.state = s.state());
      lanes.put(l);
    }
    return lanes;
  }

  void put(Lane l) {
    reserved.add(l.name);
    byName.put(l.name, l);
  }

  Optional<Lane> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  Lane require(String name) {
    return get(name)
        .orElseThrow(
            () -> new OrchestratorException.NotFound("no lane " + name + " in run " + run.runId()));
  }

  boolean has(String name) {
    return byName.containsKey(name);
  }

  Collection<Lane> all() {
    return byName.values();
  }

  List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /**
   * A name for a new lane: {@code wanted} as a slug if it is free, else the next free {@code
   * wanted-N}.
   */
  synchronized String freeName(String wanted) {
    String base = Slug.of(wanted).value();
    return claimed(taken -> isFree(base, taken) ? base : suffixed(base, taken));
  }

  /** The next free {@code base-N}, N from 2. */
  synchronized String nextSuffix(String base) {
    return claimed(taken -> suffixed(base, taken));
  }

  private String suffixed(String base, Set<String> taken) {
    for (int n = 2; ; n++) {
      String candidate = Slug.of(base).withSuffix(n).value();
      if (isFree(candidate, taken)) {
        return candidate;
      }
    }
  }

  private boolean isFree(String slug, Set<String> taken) {
    return !slug.equals("main")
        && !slug.equals(ImportedContext.LANE) // a run's own names: its events, its imported talk
        && !taken.contains(slug)
        && !reserved.contains(slug)
        && !byName.containsKey(slug)
        && run.session().laneHead(slug).isEmpty()
        && run.wb().worktrees().find(slug).isEmpty()
        && run.wb().worktrees().refs().commit("refs/heads/" + Slug.of(slug).branch()).isEmpty();
  }

  /**
   * Chooses a name holding the repository's lane lock, against the names other live runs have
   * claimed, and claims it ({@code lanes.claimed} beside the runs: one "run lane" line each, kept
   * while the run's process lives). So two runs started together never take one name, though
   * neither has made a worktree or a branch yet.
   */
  private String claimed(Function<Set<String>, String> choose) {
    Path dir = run.session().file().toAbsolutePath().getParent();
    Path claims = dir.resolve(CLAIMS);
    try (LockFile lock = LockFile.open(dir.resolve(CLAIMS + ".lock"));
        LockFile.Held held = lock.acquire()) {
      List<String> kept = new ArrayList<>();
      Set<String> taken = new HashSet<>();
      for (String line : Files.exists(claims) ? Files.readAllLines(claims) : List.<String>of()) {
        String[] parts = line.split(" ", 2);
        if (parts.length != 2 || !Runs.isRunId(parts[0])) {
          continue;
        }
        boolean ours = parts[0].equals(run.runId());
        if (ours || RunLock.holder(dir.resolve(parts[0] + ".jsonl")).isPresent()) {
          kept.add(line);
          if (!ours) {
            taken.add(parts[1]);
          }
        }
      }
      String name = choose.apply(taken);
      reserved.add(name);
      kept.add(run.runId() + " " + name);
      Path tmp = dir.resolve(CLAIMS + ".tmp");
      Files.write(tmp, kept);
      Files.move(tmp, claims, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return name;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot claim a lane name in " + claims + ": " + e, e);
    }
  }

  /** A lane's branch: {@code task/<lane>}. */
  static String branch(String lane) {
    return Slug.of(lane).branch();
  }

  /** The lane a chain of forks began with. */
  String original(Lane lane) {
    Lane l = lane;
    while (l.forkOf != null && byName.containsKey(l.forkOf)) {
      l = byName.get(l.forkOf);
    }
    return l.name;
  }
}
