package dev.grove.web;

import dev.grove.orchestrator.LaneActivity;
import dev.grove.orchestrator.Repositories;
import dev.grove.orchestrator.RunStatus;
import dev.grove.orchestrator.Runs;
import dev.grove.orchestrator.Steering;
import dev.grove.orchestrator.Workbench;
import dev.grove.session.SessionStore;
import dev.grove.session.foreign.ForeignSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every run the dashboard can show: those of the repositories in the registry ({@link
 * Repositories}) and of the ones {@code grove serve --repo} named. Runs are found by their id alone
 * (ids are unique across repositories in practice; the newest wins), and only among the session
 * files of known runs directories — never a path from a request.
 *
 * <p>Keeps session files open (at most {@link #OPEN_STORES}) and each run's status, computed again
 * only when its file grew or its liveness changed. Safe for many threads.
 */
final class Library implements AutoCloseable {
  static final int OPEN_STORES = 32;

  /** A run: where it is, and which repository it belongs to. */
  record RunRef(String run, Path repo, Path file) {}

  /** A run's state as last computed, and what it was computed from. */
  record Snapshot(RunStatus status, Map<String, LaneActivity> activity, long size, boolean live) {}

  private final Path groveHome;
  private final List<Path> named;
  private final Function<Path, Workbench> workbenches;
  private final Map<Path, Held> stores = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<Path, Snapshot> snapshots = new HashMap<>();
  private final Map<Path, Steering> steering = new HashMap<>();
  private final Map<Path, Map.Entry<Long, byte[]>> trees = new HashMap<>();
  private final Map<Path, Workbench> benches = new HashMap<>();

  Library(Path groveHome, List<Path> named, Function<Path, Workbench> workbenches) {
    this.groveHome = groveHome;
    this.named = List.copyOf(named);
    this.workbenches = workbenches;
  }

  /** The repositories known: named ones first, then the registry's; each runs directory once. */
  List<Repositories.Known> repositories() {
    Map<Path, Repositories.Known> all = new LinkedHashMap<>();
    for (Path repo : named) {
      Path runs = Runs.dir(repo).toAbsolutePath().normalize();
      all.put(runs, new Repositories.Known(Runs.mainCheckout(repo), runs, null));
    }
    for (Repositories.Known k : Repositories.at(groveHome).list()) {
      all.putIfAbsent(k.runs(), k);
    }
    return List.copyOf(all.values());
  }

  /** Every run of every known repository, newest first. */
  List<RunRef> runs() {
    List<RunRef> out = new ArrayList<>();
    for (Repositories.Known k : repositories()) {
      if (k.missing()) {
        continue;
      }
      for (String run : Runs.list(k.runs())) {
        out.add(new RunRef(run, k.repo(), k.runs().resolve(run + ".jsonl")));
      }
    }
    out.sort(Comparator.comparing(RunRef::run).reversed());
    return out;
  }

  /**
   * The run with this id.
   *
   * @throws NotFound when no known repository has it
   */
  RunRef find(String run) {
    if (!Runs.isRunId(run)) {
      throw new NotFound("no run " + run + " (a run id looks like 20261130-120000-1a2b3c4d)");
    }
    for (RunRef r : runs()) {
      if (r.run().equals(run)) {
        return r;
      }
    }
    throw new NotFound("no run " + run + " in the repositories grove knows");
  }

  /** An open session file and how many requests are reading it. */
  private static final class Held {
    final SessionStore store;
    long refreshedAt;
    int readers;
    boolean retired;

    Held(SessionStore store, long refreshedAt) {
      this.store = store;
      this.refreshedAt = refreshedAt;
    }
  }

  /**
   * Runs {@code work} on the run's open session, brought up to date with what other processes
   * appended. A session evicted from the cache is closed when its last reader is done.
   */
  <T> T read(RunRef r, Function<SessionStore, T> work) {
    return read(r.file(), work);
  }

  /** {@link #read(RunRef, Function)} for any session file the caller has found and checked. */
  <T> T read(Path file, Function<SessionStore, T> work) {
    return read(file, file, false, work);
  }

  /**
   * {@link #read(Path, Function)} of a session the Sessions view found: {@code file} is what grove
   * reads for {@code shownAs} (the file itself, in place, or another tool's session converted), and
   * messages name {@code shownAs}.
   */
  <T> T read(Path file, Path shownAs, Function<SessionStore, T> work) {
    return read(file, shownAs, true, work);
  }

  private <T> T read(Path file, Path shownAs, boolean shelved, Function<SessionStore, T> work) {
    long size = size(file);
    Held h;
    boolean refresh;
    synchronized (this) {
      h = stores.get(file);
      if (h == null) {
        h =
            new Held(
                shelved
                    ? ForeignSessions.openAs(file, shownAs)
                    : SessionStore.open(file, SessionStore.Options.defaults().shownAs(shownAs)),
                size);
        stores.put(file, h);
        refresh = false;
        evict();
      } else {
        refresh = h.refreshedAt != size;
        h.refreshedAt = size;
      }
      h.readers++;
    }
    try {
      if (refresh) {
        h.store.refresh();
      }
      return work.apply(h.store);
    } finally {
      synchronized (this) {
        h.readers--;
        if (h.retired && h.readers == 0) {
          h.store.close();
        }
      }
    }
  }

  private void evict() {
    while (stores.size() > OPEN_STORES) {
      Map.Entry<Path, Held> eldest = stores.entrySet().iterator().next();
      stores.remove(eldest.getKey());
      Held h = eldest.getValue();
      h.retired = true;
      if (h.readers == 0) {
        h.store.close();
      }
    }
  }

  /** The run's status and lane activity: the last one, unless its file or liveness changed. */
  Snapshot snapshot(RunRef r) {
    long size = size(r.file());
    boolean live = Runs.live(r.file());
    synchronized (this) {
      Snapshot s = snapshots.get(r.file());
      if (s != null && s.size() == size && s.live() == live && !live) {
        return s;
      }
    }
    Snapshot fresh =
        read(
            r,
            s -> {
              RunStatus st = RunStatus.of(r.run(), s);
              return new Snapshot(st, LaneActivity.of(s, st, Instant.now()), size, live);
            });
    synchronized (this) {
      snapshots.put(r.file(), fresh);
    }
    return fresh;
  }

  /**
   * A run's tree as {@code make} draws it, made again only when the file grew: opening the tree
   * view of a 100,000-entry session twice costs one walk.
   */
  byte[] tree(Path file, Function<SessionStore, byte[]> make) {
    return tree(file, file, false, make);
  }

  /** {@link #tree(Path, Function)} of a session the Sessions view found (see {@link #read}). */
  byte[] tree(Path file, Path shownAs, Function<SessionStore, byte[]> make) {
    return tree(file, shownAs, true, make);
  }

  private byte[] tree(
      Path file, Path shownAs, boolean shelved, Function<SessionStore, byte[]> make) {
    long size = size(file);
    synchronized (this) {
      Map.Entry<Long, byte[]> t = trees.get(file);
      if (t != null && t.getKey() == size) {
        return t.getValue();
      }
    }
    byte[] made = read(file, shownAs, shelved, make);
    synchronized (this) {
      trees.put(file, Map.entry(size, made));
      if (trees.size() > OPEN_STORES) {
        trees.keySet().removeIf(k -> !stores.containsKey(k));
      }
    }
    return made;
  }

  /** A cheap signature of a run's file: what {@link Live} compares to see a change. */
  static String signature(RunRef r) {
    return size(r.file()) + (Runs.live(r.file()) ? "L" : "-");
  }

  /** The workbench of a repository, opened once (for diffs and actions). */
  synchronized Workbench workbench(Path repo) {
    return benches.computeIfAbsent(repo, workbenches);
  }

  /** The steering of a repository's runs from this process. */
  synchronized Steering steering(Path repo) {
    return steering.computeIfAbsent(repo, r -> new Steering(workbench(r)));
  }

  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public synchronized void close() {
    steering.values().forEach(Steering::close);
    steering.clear();
    stores.values().forEach(h -> h.store.close());
    stores.clear();
  }

  /** A run, lane or entry that a request named does not exist. */
  static final class NotFound extends RuntimeException {
    NotFound(String message) {
      super(message);
    }
  }
}
