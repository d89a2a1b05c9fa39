package dev.grove.session.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.SessionHeader;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import dev.grove.session.Usage;
import dev.grove.text.AgentText;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;

/**
 * One path as Markdown for a pull request: a heading per message, each tool call's arguments and
 * each result in a fence longer than any run of backticks inside it (so nothing in them renders or
 * closes the block), long results cut with a note of what was left out. Messages are read and
 * written one at a time.
 */
final class MarkdownExport {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final SessionStore store;
  private final SessionExport.Options options;

  MarkdownExport(SessionStore store, SessionExport.Options options) {
    this.store = store;
    this.options = options;
  }

  int write(String entry, Writer out) throws IOException {
    List<Entry> messages = store.context(entry);
    Node target = store.node(entry);
    SessionHeader h = store.header();
    out.write("# Session " + code(h.id()) + "\n\n");
    out.write("- **Source:** " + sourceLine() + "\n");
    if (h.cwd() != null) {
      out.write("- **Working directory:** " + code(options.redact().apply(h.cwd())) + "\n");
    }
    out.write("- **Created:** " + h.createdAt() + "\n");
    out.write(
        "- **Path:** "
            + messages.size()
            + (messages.size() == 1 ? " message" : " messages")
            + " up to "
            + code(target.id())
            + " (lane "
            + code(target.lane())
            + "), as a model is sent them\n");
    out.write("- **Exported** by " + options.generator() + " at " + options.exportedAt() + "\n\n");
    int n = 0;
    for (Entry e : messages) {
      n++;
      message(n, e, (Body.Message) e.body(), out);
    }
    out.flush();
    return n;
  }

  private String sourceLine() {
    return switch (options.tool()) {
      case "grove" -> "a grove session, " + code(options.sourceName());
      case "claude" -> "a Claude Code transcript, " + code(options.sourceName());
      case "codex" -> "a Codex CLI rollout, " + code(options.sourceName());
      default -> "a " + options.tool() + " session, " + code(options.sourceName());
    };
  }

  private void message(int n, Entry e, Body.Message m, Writer out) throws IOException {
    StringBuilder head = new StringBuilder("## ").append(n).append(" · ");
    head.append(
        switch (m.role()) {
          case SYSTEM -> "system";
          // a summary is sent as a user message: say what it is
          case USER -> store.node(e.id()).type().equals("summary") ? "summary" : "user";
          case ASSISTANT -> "assistant";
          case TOOL -> "tool result";
        });
    head.append(" · ").append(code(e.id()));
    if (m.toolCallId() != null) {
      head.append(" · answers ").append(code(options.redact().apply(m.toolCallId())));
    }
    if (m.isError()) {
      head.append(" · error");
    }
    out.write(head.append("\n\n").toString());
    String meta = meta(m);
    if (!meta.isEmpty()) {
      out.write("_" + meta + "_\n\n");
    }
    String text = m.content() == null ? "" : options.redact().apply(m.content());
    if (m.role() == dev.grove.session.Role.TOOL) {
      result(text, out);
    } else if (!text.isBlank()) {
      out.write(text.strip());
      out.write("\n\n");
    }
    for (ToolCall c : m.toolCalls()) {
      out.write(
          "**→ "
              + code(options.redact().apply(c.name()))
              + "** ("
              + code(options.redact().apply(c.id()))
              + ")\n\n");
      String json = indented(c.arguments());
      fenced(
          json == null ? "" : "json",
          options.redact().apply(json == null ? c.arguments() : json),
          out);
    }
  }

  private String meta(Body.Message m) {
    StringBuilder sb = new StringBuilder();
    if (m.model() != null) {
      sb.append("model ").append(code(options.redact().apply(m.model())));
    }
    Usage u = m.usage();
    if (u != null) {
      if (!sb.isEmpty()) {
        sb.append(" · ");
      }
      sb.append(
          String.format(Locale.ROOT, "%,d tokens in, %,d out", u.inputTokens(), u.outputTokens()));
      if (u.cost() > 0) {
        sb.append(String.format(Locale.ROOT, " · $%.4f", u.cost()));
      }
    }
    if (m.checkpoint() != null) {
      if (!sb.isEmpty()) {
        sb.append(" · ");
      }
      sb.append("checkpoint ").append(code(m.checkpoint()));
    }
    return sb.toString();
  }

  /** A result in a fence, cut to its first lines and characters when long. */
  private void result(String text, Writer out) throws IOException {
    int cut = cutAt(text, options.resultChars(), SessionExport.Options.RESULT_LINES);
    fenced("", text.substring(0, cut), out);
    if (cut < text.length()) {
      String rest = text.substring(cut);
      long lines = rest.lines().count();
      out.write(
          String.format(
              Locale.ROOT,
              "_… %,d more %s (%,d characters) left out._\n\n",
              lines,
              lines == 1 ? "line" : "lines",
              rest.length()));
    }
  }

  /**
   * Where to cut {@code text}: after {@code maxLines} lines or {@code maxChars} characters,
   * whichever comes first, at a line end when there is one in the second half, never inside a
   * surrogate pair.
   */
  static int cutAt(String text, int maxChars, int maxLines) {
    int lines = 0;
    int end = Math.min(text.length(), maxChars);
    for (int i = 0; i < end; i++) {
      if (text.charAt(i) == '\n' && ++lines == maxLines) {
        return i + 1;
      }
    }
    if (end == text.length()) {
      return end;
    }
    int nl = text.lastIndexOf('\n', end - 1);
    if (nl >= end / 2) {
      return nl + 1;
    }
    return Character.isLowSurrogate(text.charAt(end)) ? end - 1 : end;
  }

  /** {@code text} in a fence of backticks longer than any run of them inside it. */
  static void fenced(String info, String text, Writer out) throws IOException {
    String fence = "`".repeat(Math.max(3, AgentText.longestRun(text, '`') + 1));
    out.write(fence + info + "\n");
    out.write(text);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      out.write("\n");
    }
    out.write(fence + "\n\n");
  }

  /** Inline code that no backtick inside can close (CommonMark: a longer delimiter run). */
  static String code(String s) {
    String one = s.replace('\n', ' ').replace('\r', ' ');
    String ticks = "`".repeat(AgentText.longestRun(one, '`') + 1);
    String pad = one.startsWith("`") || one.endsWith("`") ? " " : "";
    return ticks + pad + one + pad + ticks;
  }

  /** Arguments as indented JSON when they are JSON; as the model wrote them otherwise. */
  static String pretty(String arguments) {
    String json = indented(arguments);
    return json == null ? arguments : json;
  }

  /** {@code text} as indented JSON; null when it is not JSON. */
  private static String indented(String text) {
    try {
      JsonNode n = JSON.readTree(text);
      return n == null || n.isMissingNode()
          ? null
          : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (IOException notJson) {
      return null;
    }
  }
}
