package dev.grove.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 * what {@code .gitignore} ignores. Results are capped, and a regular expression that backtracks
 * without end is stopped at a deadline instead of hanging the agent.
 */
final class SearchTools {
  static final int MAX_FILES = 2000;
  static final int MAX_MATCHES = 200;
  static final int MAX_LINE = 300;
  static final long MAX_GREP_FILE_BYTES = 2 * 1024 * 1024;
  static final Duration GREP_BUDGET = Duration.ofSeconds(5);

  private final Workspace ws;
  private final Supplier<List<String>> files;
  private final Clock clock;
  private final Duration budget;

  /**
   * @param files the worktree's files, relative, with {@code /} separators (e.g. from {@code git ls-files})
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
    int total = 0;
    for (String f : files.get()) {
      if (f.startsWith(under) && m.matches(Path.of(f))) {
        total++;
        if (hits.size() < MAX_FILES) {
          hits.add(f);
        }
      }
    }
    if (total == 0) {
      return new ToolResult.Ok("no files match " + glob + (under.isEmpty() ? "" : " under " + under));
    }
    String text = String.join("\n", hits);
    if (total > hits.size()) {
      text += "\n[… " + (total - hits.size()) + " more files; narrow the pattern or path]";
    }
    return new ToolResult.Ok(text);
  }

  ToolResult grep(JsonNode args) {
    String regex = Args.string(args, "pattern");
    boolean ignoreCase = Args.optionalBoolean(args, "ignore_case", false);
    PathMatcher m = matcher(Args.optionalString(args, "glob", "**"));
    String under = prefix(Args.optionalString(args, "path", "."));
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    } catch (PatternSyntaxException e) {
      return new ToolResult.Error("not a valid regular expression (Java syntax): " + e.getDescription()
          + " near index " + e.getIndex() + " of " + regex);
    }
    long deadline = clock.millis() + budget.toMillis();
    List<String> out = new ArrayList<>();
    int matches = 0;
    int filesSearched = 0;
    for (String f : files.get()) {
      if (!f.startsWith(under) || !m.matches(Path.of(f))) {
        continue;
      }
      Path p = ws.root().resolve(f);
      String text = readSmallText(p);
      if (text == null) {
        continue;
      }
      filesSearched++;
      int lineNo = 0;
      for (String line : text.split("\n", -1)) {
        lineNo++;
        Matcher matcher = pattern.matcher(new Deadline(line, deadline, clock));
        boolean found;
        try {
          found = matcher.find();
        } catch (Deadline.Expired e) {
          return new ToolResult.Error("the regular expression took longer than " + budget.toMillis()
              + " ms (catastrophic backtracking?); simplify it. Matches so far:\n" + String.join("\n", out));
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
      return new ToolResult.Ok("no matches for /" + regex + "/ in " + filesSearched + " files");
    }
    String text = String.join("\n", out);
    if (matches > out.size()) {
      text += "\n[… " + (matches - out.size()) + " more matches; narrow the pattern, path or glob]";
    }
    return new ToolResult.Ok(text);
  }

  /** A path argument as a prefix of relative file names ("" for the whole worktree). */
  private String prefix(String path) {
    Path dir = ws.existing(path);
    String rel = ws.relative(dir);
    return rel.isEmpty() ? "" : Files.isDirectory(dir) ? rel + "/" : rel;
  }

  private static PathMatcher matcher(String glob) {
    try {
      // "*.java" means any .java file, as people expect from grep --include
      String g = glob.contains("/") || glob.startsWith("**") ? glob : "**/" + glob;
      PathMatcher deep = FileSystems.getDefault().getPathMatcher("glob:" + g);
      PathMatcher top = FileSystems.getDefault().getPathMatcher("glob:" + glob);
      return p -> deep.matches(p) || top.matches(p);
    } catch (IllegalArgumentException e) {
      throw new Args.BadArguments("not a valid glob pattern: " + glob + " (" + e.getMessage() + ")");
    }
  }

  private static String readSmallText(Path p) {
    try {
      if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) > MAX_GREP_FILE_BYTES) {
        return null;
      }
      byte[] b = Files.readAllBytes(p);
      for (int i = 0; i < Math.min(b.length, 8000); i++) {
        if (b[i] == 0) {
          return null; // binary
        }
      }
      return new String(b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  /** A line that stops a regex engine once the deadline has passed: every character read checks it. */
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
