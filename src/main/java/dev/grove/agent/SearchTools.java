package dev.grove.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.fs.Confined;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * list_files and grep over the worktree's files, as git sees them: tracked and untracked, without
 * what {@code .gitignore} ignores. git's list is only names (a tracked directory may since have
 * been replaced by a link): every file is reached through the {@link Workspace}, and one that leads
 * out of the worktree is skipped and named in the result. Results are capped, one grep holds at
 * most one file of {@link #MAX_GREP_FILE_BYTES} at a time, and a regular expression that backtracks
 * without end is stopped at a deadline instead of hanging the agent.
 */
final class SearchTools {
  static final int MAX_FILES = 2000;
  static final int MAX_MATCHES = 200;
  static final int MAX_LINE = 300;
  static final long MAX_GREP_FILE_BYTES = 2 * 1024 * 1024;
  static final int MAX_SKIPPED_SHOWN = 20;
  static final Duration GREP_BUDGET = Duration.ofSeconds(5);

  private final Workspace ws;
  private final Supplier<List<String>> files;
  private final Clock clock;
  private final Duration budget;

  /**
   * @param files the worktree's files, relative, with {@code /} separators (e.g. from {@code git
   *     ls-files})
   * @param budget how long one grep may spend matching before it gives up
   */
  SearchTools(Workspace ws, Supplier<List<String>> files, Clock clock, Duration budget) {
    this.ws = ws;
    this.files = files;
    this.clock = clock;
    this.budget = budget;
  }

  ToolResult list(JsonNode args) {
    String glob = Args.optionalString(args, "pattern", "**");
    String under = prefix(Args.optionalString(args, "path", "."));
    PathMatcher m = matcher(glob);
    List<String> hits = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    int more = 0;
    for (String f : files.get()) {
      if (!f.startsWith(under) || !m.matches(Path.of(f))) {
        continue;
      }
      if (hits.size() >= MAX_FILES) {
        more++; // not looked at: a listing shows the files it can vouch for, and stops there
      } else if (leadsOut(f)) {
        skipped.add(f);
      } else {
        hits.add(f);
      }
    }
    if (hits.isEmpty()) {
      return new ToolResult.Ok(
          "no files match " + glob + (under.isEmpty() ? "" : " under " + under) + skipped(skipped));
    }
    String text = String.join("\n", hits);
    if (more > 0) {
      text += "\n[… " + more + " more files; narrow the pattern or path]";
    }
    return new ToolResult.Ok(text + skipped(skipped));
  }

  ToolResult grep(JsonNode args) {
    String regex = Args.string(args, "pattern");
    boolean ignoreCase = Args.optionalBoolean(args, "ignore_case", false);
    PathMatcher m = matcher(Args.optionalString(args, "glob", "**"));
    String under = prefix(Args.optionalString(args, "path", "."));
    Pattern pattern;
    try {
      pattern =
          Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    } catch (PatternSyntaxException e) {
      return new ToolResult.Error(
          "not a valid regular expression (Java syntax): "
              + e.getDescription()
              + " near index "
              + e.getIndex()
              + " of "
              + regex);
    }
    long deadline = clock.millis() + budget.toMillis();
    List<String> out = new ArrayList<>();
    int matches = 0;
    int filesSearched = 0;
    List<String> skipped = new ArrayList<>();
    for (String f : files.get()) {
      if (!f.startsWith(under) || !m.matches(Path.of(f))) {
        continue;
      }
      String text;
      try {
        text = readSmallText(f);
      } catch (Workspace.Refused e) {
        if (e.reason().escapes()) {
          skipped.add(f);
        }
        continue;
      }
      if (text == null) {
        continue;
      }
      filesSearched++;
      int lineNo = 0;
      for (int start = 0; start <= text.length(); ) {
        int end = text.indexOf('\n', start);
        end = end < 0 ? text.length() : end;
        String line = text.substring(start, end);
        start = end + 1;
        lineNo++;
        Matcher matcher = pattern.matcher(new Deadline(line, deadline, clock));
        boolean found;
        try {
          found = matcher.find();
        } catch (Deadline.Expired e) {
          return new ToolResult.Error(
              "the regular expression took longer than "
                  + budget.toMillis()
                  + " ms (catastrophic backtracking?); simplify it. Matches so far:\n"
                  + String.join("\n", out));
        }
        if (found) {
          matches++;
          if (out.size() < MAX_MATCHES) {
            String shown = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line;
            out.add(f + ":" + lineNo + ": " + shown);
          }
        }
      }
    }
    if (matches == 0) {
      return new ToolResult.Ok(
          "no matches for /" + regex + "/ in " + filesSearched + " files" + skipped(skipped));
    }
    String text = String.join("\n", out);
    if (matches > out.size()) {
      text += "\n[… " + (matches - out.size()) + " more matches; narrow the pattern, path or glob]";
    }
    return new ToolResult.Ok(text + skipped(skipped));
  }

  /** A path argument as a prefix of relative file names ("" for the whole worktree). */
  private String prefix(String path) {
    Confined.Entry e = ws.stat(path);
    return e.path().isEmpty()
        ? ""
        : e.kind() == Confined.Kind.DIRECTORY ? e.path() + "/" : e.path();
  }

  /**
   * Whether a listed path reaches outside the worktree (or into .git) through a link on its way.
   */
  private boolean leadsOut(String f) {
    try {
      ws.stat(f);
      return false;
    } catch (Workspace.Refused e) {
      return e.reason().escapes();
    }
  }

  private static String skipped(List<String> paths) {
    if (paths.isEmpty()) {
      return "";
    }
    return "\n[skipped "
        + paths.size()
        + (paths.size() == 1 ? " path" : " paths")
        + " that lead outside the worktree through a symbolic link: "
        + String.join(", ", paths.subList(0, Math.min(paths.size(), MAX_SKIPPED_SHOWN)))
        + (paths.size() > MAX_SKIPPED_SHOWN ? ", …" : "")
        + "]";
  }

  private static PathMatcher matcher(String glob) {
    try {
      // "*.java" means any .java file, as people expect from grep --include
      String g = glob.contains("/") || glob.startsWith("**") ? glob : "**/" + glob;
      PathMatcher deep = FileSystems.getDefault().getPathMatcher("glob:" + g);
      PathMatcher top = FileSystems.getDefault().getPathMatcher("glob:" + glob);
      return p -> deep.matches(p) || top.matches(p);
    } catch (IllegalArgumentException e) {
      throw new Args.BadArguments(
          "not a valid glob pattern: " + glob + " (" + e.getMessage() + ")");
    }
  }

  /**
   * The file's text, or null if it is too large, binary or unreadable. Read through the workspace:
   * links inside are followed, one leading out is {@link Workspace.Refused}.
   */
  private String readSmallText(String f) {
    byte[] b;
    try (Confined.OpenFile file = ws.open(f)) {
      if (file.size() > MAX_GREP_FILE_BYTES) {
        return null;
      }
      b = file.readAtMost((int) MAX_GREP_FILE_BYTES + 1);
    } catch (IOException | UncheckedIOException e) {
      return null;
    }
    if (b.length > MAX_GREP_FILE_BYTES) {
      return null;
    }
    for (int i = 0; i < Math.min(b.length, 8000); i++) {
      if (b[i] == 0) {
        return null; // binary
      }
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  /**
   * A line that stops a regex engine once the deadline has passed: every character read checks it.
   */
  private static final class Deadline implements CharSequence {
    static final class Expired extends RuntimeException {
      Expired() {
        super(null, null, false, false);
      }
    }

    private final CharSequence s;
    private final long deadline;
    private final Clock clock;
    private int reads;

    Deadline(CharSequence s, long deadline, Clock clock) {
      this.s = s;
      this.deadline = deadline;
      this.clock = clock;
    }

    @Override
    public char charAt(int i) {
      if ((++reads & 0xfff) == 0 && clock.millis() > deadline) {
        throw new Expired();
      }
      return s.charAt(i);
    }

    @Override
    public int length() {
      return s.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Deadline(s.subSequence(start, end), deadline, clock);
    }

    @Override
    public String toString() {
      return s.toString();
    }
  }
}
