package dev.grove.orchestrator;

import dev.grove.git.Git;
import dev.grove.git.GitResult;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Role;
import dev.grove.session.SessionHeader;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * From a line of code back to the reasoning that wrote it: {@code git blame} names the commit, the
 * commit's trailers name the session and entry, and the checkpoints along that entry's path show
 * which tool call first produced the line. The answer is the path of reasoning up to that call.
 */
public final class Why {
  private Why() {}

  /**
   * @param commit the commit that last changed the line
   * @param session the session id from the commit's trailers, or null when grove did not make it
   * @param run the run whose session file it is, or null
   * @param writer the tool entry whose checkpoint first holds the line (else the lane's last entry)
   * @param reasoning the context up to {@code writer}: what the model saw and did, in order
   */
  public record Explanation(
      String file,
      int line,
      String text,
      String commit,
      String subject,
      String author,
      String session,
      String run,
      String lane,
      String writer,
      String checkpoint,
      List<Entry> reasoning) {}

  public static Explanation explain(
      Git git, Path repo, Path sessionsDir, String file, int line, String rev) {
    if (line < 1) {
      throw new IllegalArgumentException("line numbers start at 1, not " + line);
    }
    List<String> blame = new ArrayList<>(List.of("blame", "--porcelain", "-L", line + "," + line));
    if (rev != null) {
      blame.add(rev);
    }
    blame.add("--");
    blame.add(file);
    GitResult b = git.probe(repo, blame);
    if (!b.ok()) {
      throw new OrchestratorException(
          "git blame cannot show line "
              + line
              + " of "
              + file
              + (rev == null ? "" : " at " + rev)
              + ": "
              + b.stderr().strip());
    }
    List<String> lines = b.lines();
    String commit = lines.get(0).split(" ")[0];
    String text =
        lines.stream()
            .filter(l -> l.startsWith("\t"))
            .findFirst()
            .map(l -> l.substring(1))
            .orElse("");
    if (commit.matches("0+")) {
      return new Explanation(
          file,
          line,
          text,
          commit,
          "(not committed yet)",
          null,
          null,
          null,
          null,
          null,
          null,
          List.of());
    }
    String message = git.run(repo, List.of("log", "-1", "--format=%B", commit)).stdout();
    String subject = message.lines().findFirst().orElse("");
    String author =
        git.run(repo, List.of("log", "-1", "--format=%an <%ae>, %ad", "--date=short", commit))
            .out();
    java.util.Map<String, String> trailers = trailerBlock(message);
    String sessionId = trailers.get("Grove-Session");
    String entryId = trailers.get("Grove-Entry");
    if (sessionId == null
        || entryId == null
        || !sessionId.matches("[A-Za-z0-9_.-]{1,128}")
        || !entryId.matches("[A-Za-z0-9_.-]{1,128}")) {
      return new Explanation(
          file, line, text, commit, subject, author, null, null, null, null, null, List.of());
    }
    Path sessionFile = findSession(sessionsDir, sessionId);
    String run = sessionFile.getFileName().toString().replaceFirst("\\.jsonl$", "");
    try (SessionStore s = SessionStore.open(sessionFile)) {
      String lane = s.node(entryId).lane();
      List<Entry> path = s.context(entryId);
      String writer = null;
      String checkpoint = null;
      for (Entry e : path) {
        Body.Message m = (Body.Message) e.body();
        if (m.role() == Role.TOOL
            && m.checkpoint() != null
            && contains(git, repo, m.checkpoint(), file, text)) {
          writer = e.id();
          checkpoint = m.checkpoint();
          break;
        }
      }
      List<Entry> reasoning = new ArrayList<>();
      for (Entry e : path) {
        reasoning.add(e);
        if (e.id().equals(writer)) {
          break;
        }
      }
      return new Explanation(
          file,
          line,
          text,
          commit,
          subject,
          author,
          sessionId,
          run,
          lane,
          writer != null ? writer : entryId,
          checkpoint,
          reasoning);
    }
  }

  /** The tool call (name and arguments) that an entry of the reasoning answers, for display. */
  public static ToolCall callOf(List<Entry> reasoning, Entry toolEntry) {
    String id = ((Body.Message) toolEntry.body()).toolCallId();
    for (Entry e : reasoning) {
      for (ToolCall c : ((Body.Message) e.body()).toolCalls()) {
        if (c.id().equals(id)) {
          return c;
        }
      }
    }
    return null;
  }

  private static boolean contains(Git git, Path repo, String commit, String file, String text) {
    GitResult r = git.probe(repo, List.of("show", commit + ":" + file));
    return r.ok() && r.stdout().lines().anyMatch(l -> l.equals(text));
  }

  /**
   * grove's trailers for a commit of {@code lane}'s work ending at {@code entry}: the message's
   * last paragraph.
   */
  static String trailers(String session, String entry, String lane) {
    return "Grove-Session: " + session + "\nGrove-Entry: " + entry + "\nGrove-Lane: " + lane + "\n";
  }

  /**
   * The trailers of a commit message, read strictly: only its last paragraph, and only when every
   * line of it is a {@code Key: value} trailer; a key given twice there is dropped. A {@code
   * Grove-Session:} line anywhere else — in an agent's summary, say — is text, not provenance.
   */
  static java.util.Map<String, String> trailerBlock(String message) {
    String m = message.replace("\r", "").strip();
    int blank = m.lastIndexOf("\n\n");
    if (blank < 0) {
      return java.util.Map.of();
    }
    java.util.Map<String, String> out = new java.util.HashMap<>();
    java.util.Set<String> twice = new java.util.HashSet<>();
    for (String l : m.substring(blank + 2).split("\n")) {
      java.util.regex.Matcher t = TRAILER.matcher(l);
      if (!t.matches()) {
        return java.util.Map.of();
      }
      if (out.put(t.group(1), t.group(2).strip()) != null) {
        twice.add(t.group(1));
      }
    }
    out.keySet().removeAll(twice);
    return out;
  }

  private static final java.util.regex.Pattern TRAILER =
      java.util.regex.Pattern.compile("([A-Za-z0-9][A-Za-z0-9-]*): (.*)");

  private static Path findSession(Path sessionsDir, String sessionId) {
    for (String run : Runs.sessions(sessionsDir)) {
      Path f = sessionsDir.resolve(run + ".jsonl");
      try {
        SessionHeader h = SessionStore.readHeader(f);
        if (h.id().equals(sessionId)) {
          return f;
        }
      } catch (RuntimeException unreadable) {
        // not a session; look further
      }
    }
    if (Files.isDirectory(sessionsDir)) {
      throw new OrchestratorException(
          "the commit names session "
              + sessionId
              + ", which is not in "
              + sessionsDir
              + " (was it made in another clone of the repository?)");
    }
    throw new OrchestratorException(
        "the commit names session " + sessionId + ", but " + sessionsDir + " does not exist");
  }
}
