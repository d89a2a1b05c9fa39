package dev.grove.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which project files the user trusts, exactly as they are. A repository's own grove files ({@code
 * .grove/config.toml}, {@code .groveinclude}) can arrive with a teammate's push, a clone or a
 * merged branch, and some of their settings decide where secrets and data go: a model provider's
 * {@code base-url} and {@code api-key-env}, the forge and its token variable, the remote, the
 * network, the verification and setup commands, which untracked files are copied into agents'
 * worktrees. Those are honoured only from a file whose content the user trusted with {@code grove
 * trust} (its SHA-256 is recorded under GROVE_HOME, where no repository can write); any change to
 * the file needs trusting again. The user's own {@code GROVE_HOME/config.toml} is always trusted.
 */
public final class ProjectTrust {
  /** The project files trust is about, relative to the repository's main checkout. */
  public static final List<Path> FILES =
      List.of(Path.of(".grove", "config.toml"), Path.of(".groveinclude"));

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int VERSION = 1;

  private final Path store;

  private ProjectTrust(Path store) {
    this.store = store;
  }

  /** The trust recorded in {@code groveHome/trusted.json}. */
  public static ProjectTrust at(Path groveHome) {
    return new ProjectTrust(groveHome.resolve("trusted.json"));
  }

  /** Where a project file stands. */
  public enum State {
    /** There is no such file: nothing to trust. */
    ABSENT,
    TRUSTED,
    /** Trusted once, changed since. */
    CHANGED,
    UNTRUSTED
  }

  /** Whether the file's settings may be honoured: it is absent or trusted exactly as it is now. */
  public boolean trusts(Path file) {
    State s = state(file);
    return s == State.ABSENT || s == State.TRUSTED;
  }

  public State state(Path file) {
    Optional<String> now = digest(file);
    if (now.isEmpty()) {
      return State.ABSENT;
    }
    String recorded = read().get(key(file));
    return recorded == null
        ? State.UNTRUSTED
        : recorded.equals(now.get()) ? State.TRUSTED : State.CHANGED;
  }

  /** Records the file's current content as trusted (nothing to do if it does not exist). */
  public synchronized void trust(Path file) {
    Optional<String> now = digest(file);
    if (now.isEmpty()) {
      return;
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new OrchestratorException(
          file
              + " is not a regular file (a symbolic link?); grove trusts only a file's own content");
    }
    Map<String, String> all = read();
    all.put(key(file), now.get());
    write(all);
  }

  /** Forgets the file: its settings are ignored again until trusted. */
  public synchronized void revoke(Path file) {
    Map<String, String> all = read();
    if (all.remove(key(file)) != null) {
      write(all);
    }
  }

  private static String key(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    try {
      Path parent = abs.getParent().toRealPath();
      return parent.resolve(abs.getFileName()).toString();
    } catch (IOException e) {
      return abs.toString();
    }
  }

  /**
   * The SHA-256 of a regular file's bytes (a symbolic link is not followed: it is not trusted
   * content).
   */
  private static Optional<String> digest(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return Files.exists(file, LinkOption.NOFOLLOW_LINKS)
          ? Optional.of("not-a-regular-file")
          : Optional.empty();
    }
    try {
      return Optional.of(
          HexFormat.of()
              .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, String> read() {
    Map<String, String> all = new TreeMap<>();
    if (!Files.isRegularFile(store)) {
      return all;
    }
    try {
      JsonNode root = JSON.readTree(store.toFile());
      for (Iterator<Map.Entry<String, JsonNode>> it = root.path("files").properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isTextual() && e.getValue().asText().matches("[0-9a-f]{64}")) {
          all.put(e.getKey(), e.getValue().asText());
        }
      }
      return all;
    } catch (IOException e) {
      throw new OrchestratorException(
          store
              + " is damaged ("
              + e.getMessage().lines().findFirst().orElse("")
              + "); delete it and trust your project files again with grove trust");
    }
  }

  private void write(Map<String, String> all) {
    ObjectNode root = JSON.createObjectNode().put("version", VERSION);
    ObjectNode files = root.putObject("files");
    all.forEach(files::put);
    Path tmp =
        store.resolveSibling(
            store.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      Files.createDirectories(store.getParent());
      Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      Files.move(tmp, store, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort
      }
      throw new UncheckedIOException("cannot write " + store + ": " + e.getMessage(), e);
    }
  }
}
