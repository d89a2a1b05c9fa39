package dev.grove.session.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.SessionHeader;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The whole tree as one HTML file. The header is written as escaped HTML; the entries go, in file
 * order, into a {@code <script type="application/json">} element as JSON in which {@code <}, {@code
 * >}, {@code &}, U+2028 and U+2029 are escaped (so no text can end the element), and the page's one
 * script draws the tree from it with {@code textContent} only, lazily: a long linear run shows its
 * ends and the marked entry and folds the rest; branches off the marked path open on demand. The
 * Content-Security-Policy allows that script by its hash and nothing else.
 */
final class HtmlExport {
  static final String SCRIPT = resource("export.js");
  static final String STYLE = resource("export.css");

  /** The CSP source of {@link #SCRIPT}: {@code 'sha256-…'}. */
  static final String SCRIPT_HASH = "'sha256-" + sha256(SCRIPT) + "'";

  static final String POLICY =
      "default-src 'none'; script-src "
          + SCRIPT_HASH
          + "; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory SAFE = new JsonFactory().setCharacterEscapes(new ScriptSafe());

  /** Entries read from the store at a time. */
  private static final int CHUNK = 2048;

  private final SessionStore store;
  private final SessionExport.Options options;

  HtmlExport(SessionStore store, SessionExport.Options options) {
    this.store = store;
    this.options = options;
  }

  int write(String marked, Writer out) throws IOException {
    int[] nodes = {0};
    Set<String> lanes = new LinkedHashSet<>();
    store.forEachNode(
        n -> {
          nodes[0]++;
          lanes.add(n.lane());
        });
    SessionHeader h = store.header();
    out.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.write("<meta http-equiv=\"Content-Security-Policy\" content=\"" + POLICY + "\">\n");
    out.write("<meta name=\"referrer\" content=\"no-referrer\">\n");
    out.write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.write("<meta name=\"generator\" content=\"" + escape(options.generator()) + "\">\n");
    out.write("<title>Session " + escape(h.id()) + "</title>\n");
    out.write("<style>\n" + STYLE + "</style>\n</head>\n<body>\n<header>\n");
    out.write("<h1>Session <code>" + escape(h.id()) + "</code></h1>\n<dl>\n");
    item(out, "source", sourceText() + " · " + options.sourceName());
    if (h.cwd() != null) {
      item(out, "working directory", options.redact().apply(h.cwd()));
    }
    item(out, "created", h.createdAt().toString());
    item(
        out,
        "entries",
        String.format(Locale.ROOT, "%,d in %,d", nodes[0], lanes.size())
            + (lanes.size() == 1 ? " lane" : " lanes"));
    item(out, "marked", marked + " (lane " + store.node(marked).lane() + ")");
    out.write("</dl>\n<p class=\"by\">Exported by " + escape(options.generator()) + " at ");
    out.write(escape(options.exportedAt().toString()) + ".</p>\n</header>\n");
    out.write(
        "<nav><button type=\"button\" id=\"to-marked\">Go to the marked entry</button>"
            + " <button type=\"button\" id=\"close-all\">Close every branch</button></nav>\n");
    out.write(
        "<main id=\"tree\"><noscript>The tree is drawn by this page's own script: allow"
            + " JavaScript for this file.</noscript></main>\n");
    out.write("<script type=\"application/json\" id=\"grove-session\">");
    int written = data(marked, out);
    out.write("</script>\n<script>");
    out.write(SCRIPT);
    out.write("</script>\n</body>\n</html>\n");
    out.flush();
    return written;
  }

  private String sourceText() {
    return switch (options.tool()) {
      case "grove" -> "grove session";
      case "claude" -> "Claude Code transcript";
      case "codex" -> "Codex CLI rollout";
      default -> options.tool() + " session";
    };
  }

  private void item(Writer out, String name, String value) throws IOException {
    out.write("<dt>" + escape(name) + "</dt><dd>" + escape(value) + "</dd>\n");
  }

  /** Everything the script draws, as JSON; entries streamed in file order. */
  private int data(String marked, Writer out) throws IOException {
    JsonGenerator g = SAFE.createGenerator(out);
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    g.writeStartObject();
    g.writeStringField("marked", marked);
    g.writeObjectFieldStart("heads");
    for (Map.Entry<String, String> e : store.laneHeads().entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeObjectFieldStart("labels");
    for (Map.Entry<String, String> e : store.labels().entrySet()) {
      g.writeStringField(e.getKey(), text(e.getValue()));
    }
    g.writeEndObject();
    g.writeArrayFieldStart("entries");
    int[] count = {0};
    List<String> chunk = new ArrayList<>(CHUNK);
    try (RawLines raw = thinkingSource()) {
      try {
        store.forEachNode(
            n -> {
              chunk.add(n.id());
              if (chunk.size() == CHUNK) {
                count[0] += entries(chunk, g, raw);
              }
            });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      count[0] += entries(chunk, g, raw);
    }
    g.writeEndArray();
    g.writeEndObject();
    g.flush();
    return count[0];
  }

  private int entries(List<String> ids, JsonGenerator g, RawLines raw) {
    if (ids.isEmpty()) {
      return 0;
    }
    try {
      for (Entry e : store.entries(ids)) {
        entry(e, g, raw);
      }
      g.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int n = ids.size();
    ids.clear();
    return n;
  }

  private void entry(Entry e, JsonGenerator g, RawLines raw) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", e.id());
    g.writeStringField("parentId", e.parentId());
    g.writeStringField("lane", e.lane());
    if (e.ts() != null) {
      g.writeStringField("ts", e.ts().toString());
    }
    switch (e.body()) {
      case Body.Message m -> {
        g.writeStringField("type", "message");
        g.writeStringField("role", m.role().wireName());
        if (m.content() != null) {
          g.writeStringField("content", text(m.content()));
        }
        if (m.model() != null) {
          g.writeStringField("model", text(m.model()));
        }
        if (m.usage() != null) {
          g.writeObjectFieldStart("usage");
          g.writeNumberField("input", m.usage().inputTokens());
          g.writeNumberField("output", m.usage().outputTokens());
          g.writeNumberField("cost", m.usage().cost());
          g.writeEndObject();
        }
        if (m.toolCallId() != null) {
          g.writeStringField("toolCallId", text(m.toolCallId()));
        }
        if (m.isError()) {
          g.writeBooleanField("isError", true);
        }
        if (m.checkpoint() != null) {
          g.writeStringField("checkpoint", m.checkpoint());
        }
        if (!m.toolCalls().isEmpty()) {
          g.writeArrayFieldStart("toolCalls");
          for (ToolCall c : m.toolCalls()) {
            g.writeStartObject();
            g.writeStringField("id", text(c.id()));
            g.writeStringField("name", text(c.name()));
            g.writeStringField("arguments", text(MarkdownExport.pretty(c.arguments())));
            g.writeEndObject();
          }
          g.writeEndArray();
        }
        List<String> thinking = raw.thinking(e.line());
        if (!thinking.isEmpty()) {
          g.writeArrayFieldStart("thinking");
          for (String t : thinking) {
            g.writeString(text(t));
          }
          g.writeEndArray();
        }
      }
      case Body.Summary s -> {
        g.writeStringField("type", "summary");
        g.writeStringField("kind", s.kind().wireName());
        g.writeStringField("fromId", s.fromId());
        g.writeStringField("toId", s.toId());
        g.writeStringField("content", text(s.summary()));
      }
      case Body.Event ev -> {
        g.writeStringField("type", "event");
        g.writeStringField("kind", text(ev.kind()));
        if (!ev.data().isEmpty()) {
          g.writeStringField(
              "data", text(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(ev.data())));
        }
      }
      case Body.Unknown u -> {
        g.writeStringField("type", "unknown");
        g.writeStringField("unknownType", text(u.type()));
        g.writeStringField("json", text(MarkdownExport.pretty(u.json())));
      }
      // annotations are not nodes: forEachNode never gives them
      case Body.Label l -> throw new IllegalStateException("a label is not a node: " + e.id());
      case Body.Head hd -> throw new IllegalStateException("a head move is not a node: " + e.id());
    }
    g.writeEndObject();
  }

  private String text(String s) {
    return options.redact().apply(s);
  }

  /**
   * Thinking blocks, which grove's message has no field for: a converted pi or Claude Code message
   * keeps them in its {@code pi} or {@code claude} field, read here from the line itself (the file
   * is read alongside the entries, forwards only).
   */
  private RawLines thinkingSource() throws IOException {
    String field =
        switch (options.tool()) {
          case "pi" -> "pi";
          case "claude" -> "claude";
          default -> null;
        };
    return field == null
        ? new RawLines(null, null)
        : new RawLines(Files.newBufferedReader(store.file(), StandardCharsets.UTF_8), field);
  }

  private static final class RawLines implements AutoCloseable {
    private final BufferedReader reader;
    private final String field;
    private int at; // lines read
    private String current;

    RawLines(BufferedReader reader, String field) {
      this.reader = reader;
      this.field = field;
    }

    List<String> thinking(int line) throws IOException {
      if (reader == null || line <= at) {
        return List.of();
      }
      while (at < line) {
        current = reader.readLine();
        at++;
        if (current == null) {
          return List.of();
        }
      }
      if (!current.contains("thinking\"")) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (JsonNode b : JSON.readTree(current).path(field).path("blocks")) {
        switch (b.path("type").asText()) {
          case "thinking" -> out.add(b.path("thinking").asText(""));
          case "redacted_thinking" -> out.add("(redacted thinking)");
          default -> {}
        }
      }
      return out;
    }

    @Override
    public void close() throws IOException {
      if (reader != null) {
        reader.close();
      }
    }
  }

  /** Text as HTML text or attribute value: nothing in it is markup. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * JSON that is also safe inside a script element: {@code <}, {@code >} and {@code &} as {@code
   * \\u} escapes (no {@code </script>} or {@code <!--} can appear), and U+2028/U+2029, which some
   * JavaScript parsers took for line ends.
   */
  private static final class ScriptSafe extends CharacterEscapes {
    private final int[] ascii;

    ScriptSafe() {
      ascii = standardAsciiEscapesForJSON();
      ascii['<'] = ESCAPE_STANDARD;
      ascii['>'] = ESCAPE_STANDARD;
      ascii['&'] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return ch == 0x2028 || ch == 0x2029
          ? new SerializedString(String.format("\\u%04x", ch))
          : null;
    }
  }

  private static String resource(String name) {
    try (InputStream in = HtmlExport.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("grove's jar lacks " + name + " (a broken build?)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + " from grove's jar", e);
    }
  }

  private static String sha256(String s) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
