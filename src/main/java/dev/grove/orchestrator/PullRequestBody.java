package dev.grove.orchestrator;

import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import dev.grove.session.Usage;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The description of a lane's pull request: the agent's summary, the task, the files changed, the
 * commands the agent ran and how they ended, what it cost, and where its reasoning is recorded.
 */
final class PullRequestBody {
  private PullRequestBody() {}

  static String of(SessionStore session, String lane, Task task, String summary, List<String> files, String stat,
      String run, String endEntry) {
    StringBuilder sb = new StringBuilder();
    sb.append(summary == null || summary.isBlank() ? "(no summary)" : summary.strip()).append("\n\n");
    sb.append("**Task:** ").append(task.text().strip()).append("\n\n");
    sb.append("**Files changed** (").append(stat.isBlank() ? files.size() + " files" : stat.strip()).append(")\n");
    int shown = 0;
    for (String f : files) {
      if (shown++ == 50) {
        sb.append("- … and ").append(files.size() - 50).append(" more\n");
        break;
      }
      sb.append("- `").append(f).append("`\n");
    }
    Map<String, ToolCall> commands = new HashMap<>();
    Usage usage = Usage.ZERO;
    int steps = 0;
    StringBuilder ran = new StringBuilder();
    for (Entry e : session.contextOfLane(lane)) {
      Body.Message m = (Body.Message) e.body();
      if (!e.lane().equals(lane)) {
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
      } else if (m.role() == Role.TOOL && commands.containsKey(m.toolCallId())) {
        String[] lines = m.content() == null ? new String[0] : m.content().split("\n", 3);
        String command = lines.length > 0 ? lines[0].replaceFirst("^\\$ ", "") : "?";
        String outcome = lines.length > 1 ? lines[1] : "";
        ran.append("- `").append(command).append("` → ").append(m.isError() ? "**" + outcome + "**" : outcome).append('\n');
      }
    }
    sb.append("\n**Commands the agent ran**\n").append(ran.isEmpty() ? "- (none)\n" : ran);
    sb.append(String.format(Locale.ROOT, "%n**Cost:** %d model calls, %,d input + %,d output tokens, $%.4f%n",
        steps, usage.inputTokens(), usage.outputTokens(), usage.cost()));
    sb.append("\n**Reasoning:** lane `").append(lane).append("` of run `").append(run).append("` (session `")
        .append(session.header().id()).append("`, last entry `").append(endEntry).append("`).\n")
        .append("Replay it with `grove session context .grove/sessions/").append(run).append(".jsonl --lane ")
        .append(lane).append("`; trace any line to the reasoning that wrote it with `grove why FILE:LINE`.\n");
    return sb.toString();
  }
}
