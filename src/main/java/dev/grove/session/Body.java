package dev.grove.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Objects;

/**
 * What an entry says, by type. The envelope (id, parent, lane, time) is {@link Entry}; this is the
 * rest of the line. Messages, summaries, events and unknown types are nodes of the tree; labels and
 * head moves are annotations attached to the entry they name and never have children.
 */
public sealed interface Body {

  /** The {@code type} field of the line. */
  String type();

  /**
   * A conversation message. {@code content} may be null (an assistant turn with only tool calls).
   */
  record Message(
      Role role,
      String content,
      List<ToolCall> toolCalls,
      String toolCallId,
      boolean isError,
      String model,
      Usage usage,
      String checkpoint)
      implements Body {
    public Message {
      Objects.requireNonNull(role, "role");
      toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
      if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
        throw new IllegalArgumentException(
            "only assistant messages carry tool calls, not " + role.wireName() + " messages");
      }
      if (toolCallId != null && role != Role.TOOL) {
        throw new IllegalArgumentException(
            "only tool messages answer a tool call (toolCallId), not "
                + role.wireName()
                + " messages");
      }
      if (checkpoint != null && !checkpoint.matches("[0-9a-f]{7,64}")) {
        throw new IllegalArgumentException(
            "checkpoint is not a git commit id: '" + checkpoint + "'");
      }
    }

    public static Message of(Role role, String content) {
      return new Message(role, content, List.of(), null, false, null, null, null);
    }

    public static Message toolResult(String toolCallId, String content, boolean isError) {
      return new Message(Role.TOOL, content, List.of(), toolCallId, isError, null, null, null);
    }

    public Message withCheckpoint(String commit) {
      return new Message(role, content, toolCalls, toolCallId, isError, model, usage, commit);
    }

    @Override
    public String type() {
      return "message";
    }
  }

  /** Sets (or, with an empty label, clears) the label of {@code targetId}. */
  record Label(String targetId, String label) implements Body {
    public Label {
      Objects.requireNonNull(targetId, "targetId");
      label = label == null ? "" : label;
    }

    @Override
    public String type() {
      return "label";
    }
  }

  /** Moves the head of the entry's lane to {@code targetId} without appending a message. */
  record Head(String targetId) implements Body {
    public Head {
      Objects.requireNonNull(targetId, "targetId");
    }

    @Override
    public String type() {
      return "head";
    }
  }

  /**
   * A summary standing in for other entries. A {@link SummaryKind#COMPACTION} summary covers the
   * entries {@code fromId}..{@code toId} of its own path, which context building replaces with the
   * summary. A {@link SummaryKind#BRANCH} summary describes an abandoned branch ({@code fromId} is
   * its first entry, {@code toId} its last) and is simply part of the context where it stands.
   */
  record Summary(SummaryKind kind, String fromId, String toId, String summary) implements Body {
    public Summary {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(fromId, "fromId");
      Objects.requireNonNull(toId, "toId");
      Objects.requireNonNull(summary, "summary");
    }

    @Override
    public String type() {
      return "summary";
    }
  }

  /** A lifecycle event (agent started, finished, failed, …); ignored by context building. */
  record Event(String kind, JsonNode data) implements Body {
    public Event {
      Objects.requireNonNull(kind, "kind");
      if (kind.isBlank()) {
        throw new IllegalArgumentException("event kind is blank");
      }
      data =
          data == null || data.isNull() ? JsonNodeFactory.instance.objectNode() : data.deepCopy();
    }

    @Override
    public String type() {
      return "event";
    }
  }

  /**
   * An entry of a type this version does not know (written by a newer grove or another tool): kept,
   * copied verbatim on fork, and ignored by context building. {@code json} is the whole line.
   */
  record Unknown(String type, String json) implements Body {
    public Unknown {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(json, "json");
    }
  }

  enum SummaryKind {
    BRANCH,
    COMPACTION;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static SummaryKind parse(String s) {
      for (SummaryKind k : values()) {
        if (k.wireName().equals(s)) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "not a summary kind: '" + s + "' (expected branch or compaction)");
    }
  }
}
