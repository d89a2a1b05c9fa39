package dev.grove.web;

import dev.grove.orchestrator.Runs;
import dev.grove.session.SessionException;
import dev.grove.session.catalog.Hit;
import dev.grove.session.catalog.Places;
import dev.grove.session.catalog.SessionCatalog;
import dev.grove.session.catalog.Summary;
import dev.grove.session.foreign.ForeignSessions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The session files the dashboard lists besides runs: what {@code grove sessions} lists — the known
 * repositories' runs and the usual places of pi, Claude Code and Codex under the server's home —
 * through the same {@link SessionCatalog} and its index in {@code GROVE_HOME/index}.
 *
 * <p>The page never names a file. Each listed file gets a <b>key</b>: an HMAC of its path under a
 * secret drawn when the server starts, so a key means nothing to another server and no path can be
 * turned into one. A key is served only while the file is in the catalog's latest listing, and is
 * checked again on every request: still a regular file, reached from its root without a symbolic
 * link. Another tool's file is read through its converted copy in {@code GROVE_HOME/imports}
 * ({@link ForeignSessions#readablePath}: a pi file in place, another converted); the file itself is
 * only read. Safe for many threads.
 */
final class Shelf {
  /** What a key looks like: 32 lowercase hex digits. */
  static final Pattern KEY = Pattern.compile("[0-9a-f]{32}");

  /**
   * A listed session file: its key, what the catalog says of it, the directory it was found in, and
   * its run id when it is a run of a known repository (else null).
   */
  record Shelved(String key, Summary summary, Path root, String run) {}

  /** A listing: newest first, with the warnings of finding and reading the files. */
  record Listing(List<Shelved> sessions, List<String> warnings) {
    Listing {
      sessions = List.copyOf(sessions);
      warnings = List.copyOf(warnings);
    }
  }

  private final Path groveHome;
  private final List<Places.Root> places;
  private final Supplier<List<Places.Root>> runs;
  private final SessionCatalog catalog;
  private final Mac mac;
  private Map<String, Shelved> byKey = Map.of();

  /**
   * @param places the usual places of other tools' sessions (the server's home)
   * @param runs the runs directories of the known repositories, asked on every listing
   */
  Shelf(Path groveHome, List<Places.Root> places, Supplier<List<Places.Root>> runs) {
    this.groveHome = groveHome;
    this.places = List.copyOf(places);
    this.runs = runs;
    this.catalog = SessionCatalog.open(groveHome.resolve("index").resolve("sessions.idx"));
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  /** Finds the session files again and brings the catalog up to date: newest first. */
  synchronized Listing list() {
    List<Places.Root> runRoots = runs.get();
    List<Places.Root> roots = new ArrayList<>(runRoots);
    roots.addAll(places);
    Places.Found found = Places.find(roots);
    SessionCatalog.Listing listing = catalog.refresh(found.files(), null);
    List<String> warnings = new ArrayList<>(found.warnings());
    warnings.addAll(listing.warnings());
    try {
      catalog.save();
    } catch (IOException e) {
      warnings.add("cannot write the session index (" + e.getMessage() + ")");
    }
    List<Shelved> out = new ArrayList<>();
    Map<String, Shelved> keys = new HashMap<>();
    for (Summary s : listing.sessions()) {
      Path root = rootOf(s.file(), roots);
      Shelved x = new Shelved(key(s.file()), s, root, runOf(s.file(), root, runRoots));
      out.add(x);
      keys.put(x.key(), x);
    }
    byKey = keys;
    return new Listing(out, warnings);
  }

  /** The listed sessions whose message text holds {@code text} (see {@link SessionCatalog}). */
  synchronized Map<Shelved, Hit> search(List<Shelved> among, String text) {
    Map<Path, Shelved> byFile = new HashMap<>();
    among.forEach(x -> byFile.put(x.summary().file(), x));
    Map<Shelved, Hit> hits = new LinkedHashMap<>();
    for (Hit h : catalog.search(among.stream().map(Shelved::summary).toList(), text).hits()) {
      hits.put(byFile.get(h.session().file()), h);
    }
    return hits;
  }

  /** An opened session: what was listed, and the grove session file that holds what it holds. */
  record Opened(Shelved shelved, Path readable) {}

  /**
   * The session with this key, checked again now, as a grove session file to read.
   *
   * @throws Library.NotFound when the key is not one of the latest listing's (after listing again)
   * @throws Unavailable when the file is gone, no longer a plain file, unreadable or damaged
   */
  Opened open(String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new Library.NotFound(
          "no session " + key + " (a session is named by the key the list gives it, not a path)");
    }
    Shelved x;
    synchronized (this) {
      x = byKey.get(key);
    }
    if (x == null) {
      list();
      synchronized (this) {
        x = byKey.get(key);
      }
    }
    if (x == null) {
      throw new Library.NotFound(
          "no session " + key + " among the sessions listed now: reload the list");
    }
    Path file = x.summary().file();
    check(file, x.root());
    try {
      return new Opened(x, ForeignSessions.readablePath(file, groveHome.resolve("imports")));
    } catch (SessionException e) {
      throw new Unavailable(
          422, "session file " + file + " cannot be opened: " + e.getMessage(), e);
    }
  }

  /**
   * Refuses a file that is gone, or that is not a regular file reached from its root without a
   * symbolic link (a link put there since it was listed could lead anywhere).
   */
  private static void check(Path file, Path root) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new Unavailable(
          410, "session file " + file + " is gone (moved or deleted since it was listed)", e);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
    if (!a.isRegularFile()) {
      throw new Unavailable(
          422,
          "session file " + file + " is no longer a regular file: grove does not open it",
          null);
    }
    try {
      Path real = file.toRealPath();
      if (root == null || !real.equals(root.toRealPath().resolve(root.relativize(file)))) {
        throw new Unavailable(
            422,
            "session file "
                + file
                + " is now reached through a symbolic link: grove does not open it",
            null);
      }
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  private static Unavailable unreadable(Path file, IOException e) {
    String why =
        e instanceof AccessDeniedException
            ? "permission denied"
            : e instanceof NoSuchFileException ? "it is gone" : String.valueOf(e.getMessage());
    return new Unavailable(422, "session file " + file + " cannot be read (" + why + ")", e);
  }

  /** The run id of a file directly in a known repository's runs directory, else null. */
  private static String runOf(Path file, Path root, List<Places.Root> runRoots) {
    String name = file.getFileName().toString();
    String id = name.substring(0, name.length() - ".jsonl".length());
    boolean inRuns =
        runRoots.stream().anyMatch(r -> r.dir().toAbsolutePath().normalize().equals(root));
    return inRuns && file.getParent().equals(root) && Runs.isRunId(id) ? id : null;
  }

  /** The root a found file is under (the deepest, when roots nest). */
  private static Path rootOf(Path file, List<Places.Root> roots) {
    Path best = null;
    for (Places.Root r : roots) {
      Path dir = r.dir().toAbsolutePath().normalize();
      if (file.startsWith(dir) && (best == null || dir.getNameCount() > best.getNameCount())) {
        best = dir;
      }
    }
    return best;
  }

  private synchronized String key(Path file) {
    byte[] d = mac.doFinal(file.toString().getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(d, 0, 16);
  }

  /** A listed session that cannot be shown now, with the status to answer and why. */
  static final class Unavailable extends RuntimeException {
    final int status;

    Unavailable(int status, String message, Throwable cause) {
      super(message, cause);
      this.status = status;
    }
  }
}
