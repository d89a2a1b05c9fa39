package dev.grove.session.foreign;

import dev.grove.session.Dialect;
import dev.grove.session.Problem;
import dev.grove.session.SessionException;
import dev.grove.session.SessionStore;
import dev.grove.session.ValidationReport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Other tools' session files as grove sessions. A file is converted into a grove session file with
 * one line per line of the source, so every problem names the source's own line; the source is only
 * read, never written. Reading commands open a converted copy kept in a cache directory, keyed by
 * the source's path, size and modification time, so a file is converted once and then opens as fast
 * as grove's own.
 */
public final class ForeignSessions {
  private ForeignSessions() {}

  /** A converted file: where it is, what it came from, how many entries it holds. */
  public record Imported(Path file, Format format, int entries) {}

  /**
   * Converts {@code source} into a grove session file at {@code out} (replaced atomically).
   *
   * @throws SessionException.Corrupt naming {@code source} and the lines it could not read
   */
  public static Imported importFile(Path source, Path out) {
    Format format = detect(source);
    if (format == Format.GROVE) {
      throw new SessionException(
          "session file "
              + source
              + " is already a grove session; `grove session fork` copies one");
    }
    if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      throw new SessionException(
          out
              + " exists: an import never replaces a file; choose another --out, or remove it first");
    }
    // converted and checked beside out, moved into place only when grove can read all of it: a
    // failed import leaves nothing behind
    Path tmp =
        out.resolveSibling("." + out.getFileName() + ".import-" + ProcessHandle.current().pid());
    try {
      List<Problem> problems = new ArrayList<>();
      int entries = convert(source, format, tmp, problems);
      // every problem at once: what the conversion could not read, and what grove finds in the rest
      problems.addAll(sourceLines(SessionStore.validate(tmp).problems(), format));
      if (!problems.isEmpty()) {
        problems.sort(java.util.Comparator.comparingInt(Problem::line));
        throw new SessionException.Corrupt(source, problems);
      }
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      return new Imported(out, format, entries);
    } catch (IOException e) {
      throw new SessionException.Io("cannot write " + out, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /**
   * A grove session file holding what {@code source} holds: {@code source} itself when it is a
   * grove session, else its conversion, made in {@code cacheDir} unless it is there already.
   */
  public static Path readable(Path source, Path cacheDir) {
    Format format = detect(source);
    if (format == Format.GROVE) {
      return source;
    }
    try {
      Path abs = source.toAbsolutePath().normalize();
      String key =
          abs + "\n" + Files.size(abs) + "\n" + Files.getLastModifiedTime(abs).toMillis() + "\n1";
      Path cached = cacheDir.resolve(sha256(key).substring(0, 32) + ".jsonl");
      if (Files.isRegularFile(cached)) {
        return cached;
      }
      Files.createDirectories(cacheDir);
      importFile(source, cached);
      return cached;
    } catch (IOException e) {
      throw new SessionException.Io("cannot convert session file " + source, e);
    }
  }

  /**
   * Opens a session file in any format grove reads, read-only for another tool's: grove's own
   * directly; a pi file with ids (format 2 and 3) in place, through {@link PiDialect}; any other
   * tool's from its converted copy (see {@link #readable}). Messages name {@code source}, not a
   * copy.
   */
  public static SessionStore open(Path source, Path cacheDir) {
    SessionStore.Options options = SessionStore.Options.defaults().shownAs(source);
    Format format = detect(source); // once: the first line read on every command's path
    if (format == Format.GROVE) {
      return SessionStore.open(source, options);
    }
    if (format == Format.PI && PiDialect.readsInPlace(source)) {
      return SessionStore.open(source, options, new PiDialect(source.toAbsolutePath().toString()));
    }
    return SessionStore.open(readable(source, cacheDir), options);
  }

  /**
   * The file grove reads for {@code source}: {@code source} itself when it is grove's own or read
   * in place (see {@link #open}), else its converted copy in {@code cacheDir} (see {@link
   * #readable}).
   */
  public static Path readablePath(Path source, Path cacheDir) {
    return readsInPlace(source) ? source : readable(source, cacheDir);
  }

  /**
   * Opens {@code file}, what {@link #readablePath} gave for {@code source}: in place when it is
   * {@code source} in another tool's format, with messages that name {@code source}.
   */
  public static SessionStore openAs(Path file, Path source) {
    SessionStore.Options options = SessionStore.Options.defaults().shownAs(source);
    Dialect dialect =
        file.equals(source) && readsInPlace(source)
            ? new PiDialect(source.toAbsolutePath().toString())
            : null;
    return SessionStore.open(file, options, dialect);
  }

  /** Whether {@code source} is another tool's file grove reads in place (pi, format 2 and 3). */
  private static boolean readsInPlace(Path source) {
    return detect(source) == Format.PI && PiDialect.readsInPlace(source);
  }

  /**
   * Every problem of a file in any format grove reads, with the source's line numbers: what the
   * conversion could not read, and what grove's validation finds in what it could.
   */
  public static ValidationReport validate(Path source) {
    Format format = detect(source);
    if (format == Format.GROVE) {
      return SessionStore.validate(source);
    }
    Path tmp = null;
    try {
      tmp = Files.createTempFile("grove-validate-", ".jsonl");
      List<Problem> problems = new ArrayList<>();
      convert(source, format, tmp, problems);
      ValidationReport r = SessionStore.validate(tmp);
      problems.addAll(sourceLines(r.problems(), format));
      problems.sort(java.util.Comparator.comparingInt(Problem::line));
      return new ValidationReport(
          source, r.header(), r.entries(), r.lanes(), problems, r.warnings());
    } catch (IOException e) {
      throw new SessionException.Io("cannot validate session file " + source, e);
    } finally {
      if (tmp != null) {
        deleteQuietly(tmp);
      }
    }
  }

  /** The format of a session file (see {@link Format#detect}). */
  public static Format detect(Path source) {
    try {
      return Format.detect(source);
    } catch (NoSuchFileException e) {
      throw new SessionException("session file " + source + " does not exist");
    } catch (IOException e) {
      throw new SessionException.Io("cannot read session file " + source, e);
    }
  }

  private static int convert(Path source, Format format, Path tmp, List<Problem> problems) {
    try (Lines in = new Lines(Files.newInputStream(source));
        BufferedWriter w =
            new BufferedWriter(
                new OutputStreamWriter(Files.newOutputStream(tmp), StandardCharsets.UTF_8),
                1 << 20)) {
      Converter c =
          switch (format) {
            case PI -> {
              PiConverter pi = new PiConverter();
              pi.convert(in, w, source.toAbsolutePath().toString());
              yield pi;
            }
            case CLAUDE -> {
              ClaudeConverter claude = new ClaudeConverter();
              claude.convert(source, w);
              yield claude;
            }
            case CODEX -> {
              CodexConverter codex = new CodexConverter();
              codex.convert(in, w, source.toAbsolutePath().toString());
              yield codex;
            }
            case GROVE -> throw new IllegalStateException("grove files are not converted");
          };
      problems.addAll(c.problems());
      w.flush();
      return c.entries();
    } catch (IOException e) {
      throw new SessionException.Io("cannot convert session file " + source, e);
    }
  }

  /**
   * Problems grove found in a converted file, with the source's line numbers: a Claude Code
   * transcript has no header line, so its conversion has one line more at the top.
   */
  private static List<Problem> sourceLines(List<Problem> problems, Format format) {
    int shift = format == Format.CLAUDE ? ClaudeConverter.SHIFT : 0;
    if (shift == 0) {
      return problems;
    }
    return problems.stream()
        .map(p -> new Problem(Math.max(1, p.line() - shift), p.message()))
        .toList();
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + p, e);
    }
  }
}
