package dev.grove.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Text that came from a model, made safe to keep: well-formed (a lone surrogate, which no encoder
 * can write, becomes U+FFFD) and, through the function a caller passes, redacted. Tool-call
 * arguments are treated as the JSON they are: the function is applied to their decoded strings, so
 * a secret hidden behind {@code \\u} escapes is seen, and a string that changes cannot break the
 * JSON around it.
 */
final class Untrusted {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Untrusted() {}

  /**
   * {@code s} with every lone surrogate replaced by U+FFFD; {@code s} itself (or null) when it has
   * none.
   */
  static String wellFormed(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder sb = null;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (!Character.isSurrogate(c)) {
        if (sb != null) {
          sb.append(c);
        }
        continue;
      }
      boolean pair =
          Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1));
      if (pair) {
        if (sb != null) {
          sb.append(c).append(s.charAt(i + 1));
        }
        i++;
      } else {
        if (sb == null) {
          sb = new StringBuilder(n).append(s, 0, i);
        }
        sb.append('\uFFFD');
      }
    }
    return sb == null ? s : sb.toString();
  }

  /**
   * Tool-call arguments with {@code fn} applied to every string in them, names included, and
   * written compactly when anything changed; arguments that are not a JSON object are text: {@code
   * fn} of them.
   */
  static String arguments(String arguments, UnaryOperator<String> fn) {
    JsonNode tree;
    try {
      tree = JSON.readTree(arguments);
    } catch (JacksonException notJson) {
      return fn.apply(arguments);
    }
    if (tree == null || !tree.isObject()) {
      return fn.apply(arguments);
    }
    JsonNode out = map(tree, fn);
    return out == tree ? arguments : out.toString();
  }

  /** {@code n} with {@code fn} applied to its strings; {@code n} itself when none changed. */
  private static JsonNode map(JsonNode n, UnaryOperator<String> fn) {
    if (n.isTextual()) {
      String s = fn.apply(n.textValue());
      return s.equals(n.textValue()) ? n : JsonNodeFactory.instance.textNode(s);
    }
    if (n instanceof ArrayNode a) {
      ArrayNode copy = null;
      for (int i = 0; i < a.size(); i++) {
        JsonNode m = map(a.get(i), fn);
        if (m != a.get(i) && copy == null) {
          copy = a.deepCopy();
        }
        if (copy != null) {
          copy.set(i, m);
        }
      }
      return copy == null ? a : copy;
    }
    if (n instanceof ObjectNode o) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      boolean changed = false;
      for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String name = fn.apply(e.getKey());
        JsonNode value = map(e.getValue(), fn);
        changed |= !name.equals(e.getKey()) || value != e.getValue();
        copy.set(name, value);
      }
      return changed ? copy : o;
    }
    return n;
  }

  /**
   * At most {@code max} characters of {@code s}, with an ellipsis when cut; never cut inside a
   * surrogate pair.
   */
  static String shorten(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = max - 1;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "…";
  }
}
