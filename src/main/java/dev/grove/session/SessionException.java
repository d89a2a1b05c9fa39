package dev.grove.session;

import java.nio.file.Path;
import java.util.List;

/** Something went wrong with a session file; the message names the file and says what to do. */
public class SessionException extends RuntimeException {
  public SessionException(String message) {
    super(message);
  }

  public SessionException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The file cannot be read as a session: every problem found, each with its line. */
  public static final class Corrupt extends SessionException {
    private final transient Path file;
    private final transient List<Problem> problems;

    public Corrupt(Path file, List<Problem> problems) {
      super(describe(file, problems));
      this.file = file;
      this.problems = List.copyOf(problems);
    }

    public Path file() {
      return file;
    }

    public List<Problem> problems() {
      return problems;
    }

    private static String describe(Path file, List<Problem> problems) {
      StringBuilder sb = new StringBuilder("session file ").append(file);
      if (problems.size() == 1) {
        return sb.append(" ").append(problems.get(0)).toString();
      }
      sb.append(" has ").append(problems.size()).append(" problems:");
      int shown = Math.min(problems.size(), 5);
      for (int i = 0; i < shown; i++) {
        sb.append("\n  ").append(problems.get(i));
      }
      if (problems.size() > shown) {
        sb.append("\n  … and ").append(problems.size() - shown).append(" more");
      }
      return sb.append("\n(`grove session validate ")
          .append(file)
          .append("` lists them all)")
          .toString();
    }
  }

  /** An id (or id prefix) that names no entry, or names several. */
  public static final class NoSuchEntry extends SessionException {
    public NoSuchEntry(String message) {
      super(message);
    }
  }

  /**
   * An append that cannot be made as asked (a parent that does not exist, a label on nothing, …).
   */
  public static final class InvalidAppend extends SessionException {
    public InvalidAppend(String message) {
      super(message);
    }
  }

  /** The file system failed us; the message names the file and the operation. */
  public static final class Io extends SessionException {
    public Io(String message, Throwable cause) {
      super(message + ": " + cause.getMessage(), cause);
    }
  }
}
