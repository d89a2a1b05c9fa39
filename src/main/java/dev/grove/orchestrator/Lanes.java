package dev.grove.orchestrator;

import dev.grove.git.Slug;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lanes of a live run, and the names new ones get: a task's slug, made unique against this
 * run's lanes, the repository's worktrees and its task branches (forks of forks are numbered from
 * the original: {@code fix-login-2}, {@code -3}, …). Safe for many threads.
 */
final class Lanes {
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
    if (isFree(base)) {
      reserved.add(base);
      return base;
    }
    return nextSuffix(base);
  }

  /** The next free {@code base-N}, N from 2. */
  synchronized String nextSuffix(String base) {
    for (int n = 2; ; n++) {
      String candidate = Slug.of(base).withSuffix(n).value();
      if (isFree(candidate)) {
        reserved.add(candidate);
        return candidate;
      }
    }
  }

  private boolean isFree(String slug) {
    return !reserved.contains(slug)
        && !byName.containsKey(slug)
        && run.session().laneHead(slug).isEmpty()
        && run.wb().worktrees().find(slug).isEmpty()
        && run.wb().worktrees().refs().commit("refs/heads/" + Slug.of(slug).branch()).isEmpty();
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
