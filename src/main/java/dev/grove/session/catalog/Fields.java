package dev.grove.session.catalog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;

/**
 * The few fields of one line that listing and search need, read with a streaming parser that skips
 * everything else without decoding it (tool arguments and results, images, thinking): the top-level
 * {@code type}, ids, timestamps, labels; and of the message ({@code message} for pi and Claude
 * Code, {@code payload} for Codex, the line itself for grove) its role and its text — a string
 * {@code content}, or the {@code text} of its {@code text} / {@code input_text} / {@code
 * output_text} blocks joined by a newline. Reused line after line; not thread-safe.
 */
final class Fields {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(500)
                  .maxStringLength(Integer.MAX_VALUE)
                  .build())
          .build();

  String type;
  String id;
  String uuid;
  String ts;
  String timestamp;
  String createdAt;
  String role;
  String content;
  String label;
  String targetId;
  String summary;
  int version;
  boolean isMeta;
  boolean isSidechain;
  boolean claudeKeys;
  String innerType;
  String innerRole;
  final StringBuilder text = new StringBuilder();
  boolean hasText;

  /** A line that is no JSON object; whatever was read before the damage is kept in the fields. */
  static final class Damaged extends Exception {
    Damaged(String why) {
      super(why, null, false, false);
    }
  }

  /**
   * Reads {@code b[0, len)}.
   *
   * @throws Damaged when it is not one JSON object (not UTF-8, not JSON, cut by the line cap)
   */
  void read(byte[] b, int len) throws Damaged {
    clear();
    try (JsonParser p = JSON.createParser(b, 0, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new Damaged("it is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String k = p.currentName();
        JsonToken t = p.nextToken();
        switch (k) {
          case "type" -> type = string(p, t);
          case "id" -> id = string(p, t);
          case "uuid" -> uuid = string(p, t);
          case "ts" -> ts = string(p, t);
          case "timestamp" -> timestamp = string(p, t);
          case "createdAt" -> createdAt = string(p, t);
          case "role" -> role = string(p, t);
          case "content" -> {
            if (spoken(role)) {
              content = string(p, t);
            } else {
              p.skipChildren(); // a tool result's text: not decoded (grove writes role first)
            }
          }
          case "label" -> label = string(p, t);
          case "targetId" -> targetId = string(p, t);
          case "summary" -> summary = string(p, t);
          case "version" -> version = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : 0;
          case "isMeta" -> isMeta = t == JsonToken.VALUE_TRUE;
          case "isSidechain" -> isSidechain = t == JsonToken.VALUE_TRUE;
          case "sessionId", "parentUuid", "leafUuid" -> {
            claudeKeys = true;
            p.skipChildren();
          }
          case "message", "payload" -> {
            if (t == JsonToken.START_OBJECT) {
              message(p);
            } else {
              p.skipChildren();
            }
          }
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new Damaged("it is not one JSON object");
      }
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      throw new Damaged(
          e instanceof java.io.CharConversionException || m.contains("UTF-8")
              ? "it is not UTF-8"
              : m.contains("nesting depth") ? "it is nested too deep" : "it is not JSON");
    }
  }

  private void message(JsonParser p) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String k = p.currentName();
      JsonToken t = p.nextToken();
      switch (k) {
        case "role" -> innerRole = string(p, t);
        case "type" -> innerType = string(p, t);
        case "content" -> {
          if (!spoken(innerRole)) {
            p.skipChildren(); // a tool result: not decoded when the role came first
          } else if (t == JsonToken.VALUE_STRING) {
            append(p.getText());
          } else if (t == JsonToken.START_ARRAY) {
            blocks(p);
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  private void blocks(JsonParser p) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      String blockType = null;
      String blockText = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String k = p.currentName();
        JsonToken v = p.nextToken();
        if (k.equals("type")) {
          blockType = string(p, v);
        } else if (k.equals("text") && v == JsonToken.VALUE_STRING) {
          blockText = p.getText();
        } else {
          p.skipChildren();
        }
      }
      if (blockText != null
          && ("text".equals(blockType)
              || "input_text".equals(blockType)
              || "output_text".equals(blockType))) {
        append(blockText);
      }
    }
  }

  /** Whether a message of this role (null: not known yet) may be one whose text is kept. */
  private static boolean spoken(String role) {
    return role == null || role.equals("user") || role.equals("assistant");
  }

  private void append(String s) {
    if (hasText) {
      text.append('\n');
    }
    text.append(s);
    hasText = true;
  }

  private static String string(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  private void clear() {
    type = id = uuid = ts = timestamp = createdAt = role = content = null;
    label = targetId = summary = innerType = innerRole = null;
    version = 0;
    isMeta = isSidechain = claudeKeys = hasText = false;
    text.setLength(0);
  }
}
