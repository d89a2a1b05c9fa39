package dev.grove.orchestrator;

import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import dev.grove.session.Usage;
import dev.grove.text.AgentText;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The title and description of a lane's pull request, which grove vouches for: grove's own sections
 * come first (what changed, what grove left out, the verification, the commands the agent ran, the
 * cost, where the reasoning is recorded), and the agent's words — the task when a model wrote it,
 * and the summary — come last, fenced and inert ({@link AgentText}), so that nothing the agent
 * wrote can hide, fake or reorder grove's sections, notify anyone or act on an issue. The whole is
 * capped below the forges' limits (GitHub's is 65,536 characters).
 */
final class PullRequestBody {
  /** The longest body grove sends. */
  static final int MAX_BODY = 60_000;

  static final int MAX_TITLE = 120;
  private static final int MAX_FILES = 100;
  private static final int MAX_COMMANDS = 60;
  private static final int MAX_SUMMARY = 12_000;
  private static final int MAX_TASK = 4_000;

  private PullRequestBody() {}

  /**
   * What grove knows about the work it ships.
   *
   * @param leftOut paths grove did not ship, each with why (e.g. grove's own state, a nested
   *     repository)
   * @param verification the command that passed before shipping, or null when none was configured
   */
  record Facts(
      String lane,
      String task,
      String summary,
      List<String> files,
      String stat,
      List<String> leftOut,
      String verification,
      String run,
      String endEntry,
      Double taskCost) {
    Facts {
      files = List.copyOf(files);
      leftOut = List.copyOf(leftOut);
    }

    /** Without what the lane's whole task cost. */
    Facts(
        String lane,
        String task,
        String summary,
        List<String> files,
        String stat,
        List<String> leftOut,
        String verification,
        String run,
        String endEntry) {
      this(lane, task, summary, files, stat, leftOut, verification, run, endEntry, null);
    }
  }

  /**
   * Whether a changed path changes how git, grove or CI treat the repository rather than what it
   * holds: {@code .gitattributes} (filters, diff and merge drivers), {@code .gitmodules}, {@code
   * .groveinclude}, CI workflows.
   */
  static boolean changesHowThingsRun(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.equals(".gitattributes")
        || name.equals(".gitmodules")
        || name.equals(".groveinclude")
        || path.equals(".gitlab-ci.yml")
        || path.startsWith(".github/workflows/")
        || path.startsWith(".gitea/workflows/")
        || path.startsWith(".forgejo/workflows/")
        || path.equals(".github/dependabot.yml");
  }

  /** A one-line title from the summary's first sentence, else the task. */
  static String title(String summary, String task) {
    String first =
        AgentText.plain(summary == null || summary.isBlank() ? task : summary)
            .strip()
            .lines()
            .findFirst()
            .orElse("");
    int dot = first.indexOf(". ");
    if (dot > 20) {
      first = first.substring(0, dot);
    }
    String t = AgentText.line(first, MAX_TITLE);
    return t.isEmpty() ? "grove: work on " + AgentText.line(task, MAX_TITLE - 14) : t;
  }

  static String of(SessionStore session, Facts f) {
    StringBuilder sb = new StringBuilder();
    sb.append("Work by a grove agent (lane ")
        .append(AgentText.code(f.lane()))
        .append(
            "). The sections up to the "
                + "agent's summary are grove's own record; the summary is the agent's, unverified.\n\n");

    sb.append("### Files changed (")
        .append(
            f.stat() == null || f.stat().isBlank()
                ? f.files().size() + " files"
                : AgentText.plain(f.stat()).strip())
        .append(")\n");
    f.files().stream()
        .limit(MAX_FILES)
        .forEach(p -> sb.append("- ").append(AgentText.code(AgentText.cap(p, 300))).append('\n'));
    if (f.files().size() > MAX_FILES) {
      sb.append("- … and ").append(f.files().size() - MAX_FILES).append(" more\n");
    }
    List<String> careful =
        f.files().stream().filter(PullRequestBody::changesHowThingsRun).limit(MAX_FILES).toList();
    if (!careful.isEmpty()) {
      sb.append(
          "\n### Worth a careful look\nThese files change how git, grove or CI treat the repository (filters, "
              + "drivers, submodules, what gets copied into agents' worktrees, what CI runs with its secrets):\n");
      careful.forEach(
          p -> sb.append("- ").append(AgentText.code(AgentText.cap(p, 300))).append('\n'));
    }
    if (!f.leftOut().isEmpty()) {
      sb.append(
          "\n### Left out by grove\nThe agent's worktree also held these; grove did not ship them.\n");
      f.leftOut().stream()
          .limit(MAX_FILES)
          .forEach(
              l -> sb.append("- ").append(AgentText.plain(AgentText.cap(l, 400))).append('\n'));
    }

    sb.append("\n### Verification\n")
        .append(
            f.verification() == null
                ? "No verification command was configured.\n"
                : AgentText.code(f.verification())
                    + " passed in the agent's worktree (in the sandbox) before shipping.\n");

    Map<String, ToolCall> commands = new HashMap<>();
    Usage usage = Usage.ZERO;
    int steps = 0;
    int ranCount = 0;
    StringBuilder ran = new StringBuilder();
    for (Entry e : session.contextOfLane(f.lane())) {
      if (!e.lane().equals(f.lane()) || !(e.body() instanceof Body.Message m)) {
        continue;
      }
      if (m.role() == Role.ASSISTANT) {
        steps++;
        if (m.usage() != null) {
          usage = usage.plus(m.usage());
        }
        for (ToolCall c : m.toolCalls()) {
          if (c.name().equals("run_command")) {
            commands.put(c.id(), c);
          }
        }
      } else if (m.role() == Role.TOOL
          && commands.containsKey(m.toolCallId())
          && ranCount++ < MAX_COMMANDS) {
        String[] lines = m.content() == null ? new String[0] : m.content().split("\n", 3);
        String command = lines.length > 0 ? lines[0].replaceFirst("^\\$ ", "") : "?";
        String outcome = lines.length > 1 ? lines[1] : "";
        ran.append("- ")
            .append(AgentText.code(AgentText.inert(AgentText.cap(command, 300))))
            .append(" → ")
            .append(
                AgentText.inert(AgentText.plain(AgentText.cap(outcome, 100)))
                    .replaceAll("[*_`<>\\[\\]]", ""))
            .append('\n');
      }
    }
    sb.append("\n### Commands the agent ran\n").append(ran.isEmpty() ? "- (none)\n" : ran);
    if (ranCount > MAX_COMMANDS) {
      sb.append("- … and ").append(ranCount - MAX_COMMANDS).append(" more\n");
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%n### Cost%n%d model calls, %,d input + %,d output tokens, $%.4f%n",
            steps,
            usage.inputTokens(),
            usage.outputTokens(),
            usage.cost()));
    if (f.taskCost() != null && f.taskCost() > usage.cost() + 1e-9) {
      sb.append(
          String.format(
              Locale.ROOT,
              "The task in all (every attempt, retry and fork of it, and the judge): $%.4f%n",
              f.taskCost()));
    }

    sb.append("\n### Provenance\nRun ")
        .append(AgentText.code(f.run()))
        .append(", lane ")
        .append(AgentText.code(f.lane()))
        .append(", session ")
        .append(AgentText.code(session.header().id()))
        .append(", last entry ")
        .append(AgentText.code(f.endEntry()))
        .append(".\nReplay the reasoning with ")
        .append(AgentText.code("grove session context " + f.run() + " --lane " + f.lane()))
        .append("; trace any line to the reasoning that wrote it with ")
        .append(AgentText.code("grove why FILE:LINE"))
        .append(".\n");

    sb.append("\n### Task\n")
        .append(
            AgentText.fenced(AgentText.cap(f.task() == null ? "" : f.task().strip(), MAX_TASK)));
    String summary =
        f.summary() == null || f.summary().isBlank() ? "(no summary)" : f.summary().strip();
    String head = sb.toString();
    String tail = "\n### The agent's summary (unverified)\n";
    int room = Math.max(200, Math.min(MAX_SUMMARY, MAX_BODY - head.length() - tail.length() - 64));
    String body = head + tail + AgentText.fenced(AgentText.cap(summary, room));
    return body.length() <= MAX_BODY ? body : AgentText.cap(body, MAX_BODY);
  }
}
