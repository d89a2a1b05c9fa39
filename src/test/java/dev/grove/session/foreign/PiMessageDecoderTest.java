package dev.grove.session.foreign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.session.Body;
import dev.grove.session.Dialect;
import dev.grove.session.Entry;
import dev.grove.session.GroveLine;
import dev.grove.session.Role;
import dev.grove.session.ToolCall;
import dev.grove.testing.Seeds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * pi's message lines decoded straight from their bytes ({@link PiMessageDecoder}) give exactly the
 * entry pi's conversion gives through a grove line, or are left to it: on the fixtures, on random
 * pi files, and on lines built to be awkward. The common lines take the fast way.
 */
class PiMessageDecoderTest {

  /** A pi file read both ways: each line's entry from the fast decoder and from the conversion. */
  private static final class Both {
    private final PiDialect pi = new PiDialect("f.jsonl");
    int lines;
    int fastReads;

    /** Indexes the file as the loader does (every line through the conversion, in file order). */
    Both(List<String> file) throws Dialect.Unreadable {
      pi.header(file.get(0));
      for (int n = 2; n <= file.size(); n++) {
        try {
          pi.toGrove(file.get(n - 1), n, NO_TREE);
        } catch (Dialect.Unreadable bad) {
          // read again below: the conversion says what is wrong each time
        }
      }
    }

    /** Reads line {@code n} both ways and checks they agree; true when the fast way read it. */
    boolean check(byte[] line, int n) {
      String text = new String(line, StandardCharsets.UTF_8);
      Entry slow;
      try {
        slow = GroveLine.decode(pi.toGrove(text, n, null), n);
      } catch (Dialect.Unreadable | IllegalArgumentException bad) {
        slow = null;
      }
      byte[] buf = new byte[line.length + 9]; // somewhere inside a larger buffer, as read
      System.arraycopy(line, 0, buf, 5, line.length);
      buf[4] = '\n';
      buf[5 + line.length] = '\n';
      Entry fast = pi.decode(buf, 5, 5 + line.length, n);
      lines++;
      if (fast == null) {
        return false;
      }
      assertThat(slow).as("the conversion reads what the fast decoder read: %s", text).isNotNull();
      assertThat(fast).as(text).isEqualTo(slow);
      fastReads++;
      return true;
    }

    boolean check(String line, int n) {
      return check(line.getBytes(StandardCharsets.UTF_8), n);
    }
  }

  /** Messages' lines do not need the tree; what summaries make of none does not matter here. */
  private static final Dialect.Tree NO_TREE =
      new Dialect.Tree() {
        @Override
        public String parentOf(String id) {
          return null;
        }

        @Override
        public String rootOf(String id) {
          return id;
        }

        @Override
        public String previousNode() {
          return null;
        }
      };

  /** Whether pi's line is a user, assistant or tool-result message (read with Jackson). */
  private static boolean isCommonMessage(String line) throws IOException {
    JsonNode n = Convert.JSON.readTree(line);
    return n.path("type").asText().equals("message")
        && List.of("user", "assistant", "toolResult")
            .contains(n.path("message").path("role").asText());
  }

  private static int checkAll(Both both, List<String> lines) throws IOException {
    int common = 0;
    for (int n = 2; n <= lines.size(); n++) {
      String line = lines.get(n - 1);
      both.check(line, n);
      if (isCommonMessage(line)) {
        common++;
      }
    }
    return common;
  }

  @Test
  void theFixturesMessagesAreReadTheFastWayAsTheConversionReadsThem() throws Exception {
    for (String name : List.of("v3-all-types.jsonl", "v2-hook-message.jsonl")) {
      List<String> lines = Files.readAllLines(PiSessionTest.fixture(name));
      Both both = new Both(lines);
      int common = checkAll(both, lines);
      assertThat(common).as(name).isPositive();
      assertThat(both.fastReads).as("%s: messages read the fast way", name).isEqualTo(common);
    }
  }

  @Test
  void damagedLinesAreLeftToTheConversion() throws Exception {
    byte[] file = Files.readAllBytes(PiSessionTest.fixture("damaged.jsonl"));
    List<byte[]> lines = new ArrayList<>();
    int s = 0;
    for (int i = 0; i < file.length; i++) {
      if (file[i] == '\n') {
        lines.add(java.util.Arrays.copyOfRange(file, s, i));
        s = i + 1;
      }
    }
    Both both = new Both(lines.stream().map(l -> new String(l, StandardCharsets.UTF_8)).toList());
    List<Boolean> fast = new ArrayList<>();
    for (int n = 2; n <= lines.size(); n++) {
      fast.add(both.check(lines.get(n - 1), n));
    }
    // a line cut short and one with a byte that is not UTF-8 are the conversion's to word
    assertThat(fast).containsExactly(true, false, false, true, true);
  }

  @Test
  void randomPiFilesMessagesAreAllReadTheFastWay() throws Exception {
    Random rnd = new Random(Seeds.of("pi fast decoder", 0x9d_ec0de));
    for (int round = 0; round < 8; round++) {
      List<String> lines =
          new PiInPlaceTest.Gen(rnd, round % 4 == 3 ? 2 : 3).file(200).lines().toList();
      Both both = new Both(lines);
      int common = checkAll(both, lines);
      assertThat(both.fastReads).as("round %d", round).isEqualTo(common).isPositive();
    }
  }

  @Test
  void awkwardLinesAreReadAsTheConversionReadsThemOrLeftToIt() throws Exception {
    Random rnd = new Random(Seeds.of("pi awkward lines", 0xa3c4_4a7dL));
    Awkward gen = new Awkward(rnd);
    List<String> file = new ArrayList<>();
    List<Boolean> plain = new ArrayList<>();
    file.add(
        "{\"type\":\"session\",\"version\":3,\"id\":\"s1\",\"timestamp\":"
            + "\"2026-01-01T00:00:00.000Z\",\"cwd\":\"/w\"}");
    plain.add(false);
    String last = null;
    for (int i = 0; i < 4000; i++) {
      String id = String.format("%08x", i);
      file.add(gen.line(id, last));
      plain.add(gen.plain);
      last = id;
    }
    Both both = new Both(file);
    int plainLines = 0;
    int oddLines = 0;
    int oddFast = 0;
    for (int n = 2; n <= file.size(); n++) {
      boolean fast = both.check(file.get(n - 1), n);
      if (plain.get(n - 1)) {
        plainLines++;
        assertThat(fast)
            .as("an ordinary message is read the fast way: %s", file.get(n - 1))
            .isTrue();
      } else {
        oddLines++;
        oddFast += fast ? 1 : 0;
      }
    }
    System.out.printf(
        "awkward lines: %d ordinary (all fast), %d odd (%d of them fast)%n",
        plainLines, oddLines, oddFast);
    assertThat(plainLines).isGreaterThan(400);
    assertThat(oddLines).isGreaterThan(400);
  }

  @Test
  void anAssistantTurnKeepsTextCallsModelAndClampedUsage() throws Exception {
    String line =
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":\"u0\",\"timestamp\":"
            + "\"2026-01-01T00:00:06.613Z\",\"message\":{\"role\":\"assistant\",\"content\":["
            + "{\"type\":\"thinking\",\"thinking\":\"hm\"},{\"type\":\"text\",\"text\":\"one\"},"
            + "{\"type\":\"text\",\"text\":\"tw\\u00f6\"},{\"type\":\"toolCall\",\"id\":\"c1\","
            + "\"name\":\"read\",\"arguments\":{ \"path\" : \"a.ts\", \"n\": [1, 2.50] }}],"
            + "\"provider\":\"anthropic\",\"model\":\"m\",\"usage\":{\"input\":-3,\"output\":9,"
            + "\"cost\":{\"total\":1.5e-7}}}}";
    Both both = new Both(List.of(headerLine(), line));
    assertThat(both.check(line, 2)).isTrue();
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    Entry e = both.pi.decode(b, 0, b.length, 2);
    Body.Message m = (Body.Message) e.body();
    assertThat(m.role()).isEqualTo(Role.ASSISTANT);
    assertThat(m.content()).isEqualTo("one\ntwö");
    assertThat(m.toolCalls())
        .containsExactly(new ToolCall("c1", "read", "{\"path\":\"a.ts\",\"n\":[1,2.5]}"));
    assertThat(m.model()).isEqualTo("anthropic:m");
    assertThat(m.usage().inputTokens()).isZero();
    assertThat(m.usage().cost()).isEqualTo(1.5e-7);
    assertThat(e.lane()).isEqualTo("main");
  }

  private static String headerLine() {
    return "{\"type\":\"session\",\"version\":3,\"id\":\"s1\",\"timestamp\":"
        + "\"2026-01-01T00:00:00.000Z\",\"cwd\":\"/w\"}";
  }

  /**
   * pi message lines built to be awkward: fields in any order, escapes of every kind, missing and
   * null fields, and now and then ({@link #odd}) something unusual — a repeated field, a value of
   * the wrong kind, an escaped name, a lone surrogate, a time pi does not write. {@link #plain}
   * says whether the last line had nothing unusual.
   */
  static final class Awkward {
    private final Random rnd;
    boolean plain;
    private int calls;

    Awkward(Random rnd) {
      this.rnd = rnd;
    }

    private boolean odd(int oneIn) {
      if (rnd.nextInt(oneIn) == 0) {
        plain = false;
        return true;
      }
      return false;
    }

    private <T> T pick(List<T> xs) {
      return xs.get(rnd.nextInt(xs.size()));
    }

    private static final List<String> WORDS =
        List.of(
            "fix",
            "the bug",
            "a\\nb",
            "\\\"q\\\"",
            "back\\\\slash",
            "caf\\u00e9",
            "\\u00E9t\\u00e9",
            "\\ud83d\\ude00",
            "na\u00efve",
            "\uD83D\uDE80",
            "\\/path",
            "tab\\tand\\r",
            "\\u0001\\b\\f",
            "",
            " ",
            "\\u2028");

    private static final List<String> ODD_WORDS =
        List.of("\\ud800", "\\udc00x", "\\ud83d \\ude00", "\\uD800\\uD800");

    private String str() {
      StringBuilder t = new StringBuilder("\"");
      for (int i = rnd.nextInt(5); i >= 0; i--) {
        t.append(odd(60) ? pick(ODD_WORDS) : pick(WORDS));
        if (rnd.nextInt(3) == 0) {
          t.append(' ');
        }
      }
      return t.append('"').toString();
    }

    private String sp() {
      return rnd.nextInt(6) == 0 ? pick(List.of(" ", "\t", "  ", " \t ")) : "";
    }

    /** An object of these members, in a random order, now and then one of them repeated. */
    private String obj(List<String> members) {
      List<String> ms = new ArrayList<>(members);
      Collections.shuffle(ms, rnd);
      if (!ms.isEmpty() && odd(40)) {
        ms.add(rnd.nextInt(ms.size() + 1), ms.get(rnd.nextInt(ms.size())));
      }
      StringBuilder o = new StringBuilder("{").append(sp());
      for (int i = 0; i < ms.size(); i++) {
        if (i > 0) {
          o.append(sp()).append(',').append(sp());
        }
        o.append(ms.get(i));
      }
      return o.append(sp()).append('}').toString();
    }

    private String member(String key, String value) {
      String k = odd(300) ? String.format("\\u%04x", (int) key.charAt(0)) + key.substring(1) : key;
      return "\"" + k + "\"" + sp() + ":" + sp() + value;
    }

    private String number() {
      if (odd(50)) {
        return pick(List.of("1e400", "-2E+999", "1.0e-400", "12345678901234567890123"));
      }
      return pick(
          List.of(
              "0",
              "-1",
              "42",
              "0.0027",
              "1.5e-7",
              "2.50",
              "-0.0",
              "1767225606400",
              "3E2",
              "99999999999"));
    }

    private String args(int depth) {
      List<String> ms = new ArrayList<>();
      for (int i = rnd.nextInt(4); i > 0; i--) {
        String key = pick(List.of("path", "n", "opts", "x\\ty", "caf\\u00e9", "path"));
        String v =
            switch (rnd.nextInt(depth > 3 ? 3 : 6)) {
              case 0 -> str();
              case 1 -> number();
              case 2 -> pick(List.of("true", "false", "null"));
              case 3 -> args(depth + 1);
              case 4 -> "[" + sp() + number() + "," + sp() + str() + "," + args(depth + 1) + "]";
              default -> "[]";
            };
        ms.add("\"" + key + "\":" + sp() + v);
      }
      return obj(ms);
    }

    private String toolCall() {
      List<String> ms = new ArrayList<>();
      ms.add(member("type", "\"toolCall\""));
      ms.add(member("id", odd(60) ? "7" : "\"call_" + ++calls + "\""));
      if (odd(60)) {
        ms.add(member("name", pick(List.of("\"\"", "\" \"", "5", "null"))));
      } else if (!odd(80)) {
        ms.add(member("name", pick(List.of("\"read\"", "\"bash\"", "\"edit\\u00e9\""))));
      }
      int a = rnd.nextInt(12);
      if (a == 0) {
        ms.add(member("arguments", "null"));
      } else if (a == 1 && odd(1)) {
        ms.add(member("arguments", pick(List.of("\"{\\\"a\\\":1}\"", "[1,2]", "5", "true"))));
      } else if (a > 2) {
        ms.add(member("arguments", args(0)));
      }
      return obj(ms);
    }

    private String block(String role) {
      int r = rnd.nextInt(10);
      if (r < 5) {
        List<String> ms = new ArrayList<>();
        ms.add(member("type", odd(100) ? pick(List.of("5", "null")) : "\"text\""));
        if (odd(60)) {
          ms.add(member("text", pick(List.of("5", "{}", "[\"x\"]", "true"))));
        } else if (rnd.nextInt(30) == 0) {
          ms.add(member("text", "null"));
        } else if (rnd.nextInt(30) != 0) {
          ms.add(member("text", str()));
        }
        return obj(ms);
      }
      if (r < 7) {
        String deep = odd(80) ? "[".repeat(250) + "]".repeat(250) : str();
        return obj(
            List.of(
                member("type", "\"thinking\""),
                member("thinking", deep),
                member("thinkingSignature", str())));
      }
      if (r < 8) {
        return obj(
            List.of(
                member("type", "\"image\""),
                member("data", "\"iVBORw0KGgo=\""),
                member("mimeType", "\"image/png\"")));
      }
      if (r < 9 && role.equals("assistant")) {
        return toolCall();
      }
      if (odd(40)) {
        return pick(List.of("\"loose\"", "5", "null", "[]"));
      }
      return obj(List.of(member("type", "\"text\""), member("text", str())));
    }

    private String content(String role) {
      int r = rnd.nextInt(10);
      if (odd(60)) {
        return pick(List.of("5", "{\"type\":\"text\",\"text\":\"x\"}", "true"));
      }
      if (r == 0) {
        return "null";
      }
      if (r < 3) {
        return str();
      }
      StringBuilder a = new StringBuilder("[").append(sp());
      int blocks = rnd.nextInt(role.equals("assistant") ? 9 : 3);
      for (int i = 0; i < blocks; i++) {
        if (i > 0) {
          a.append(',').append(sp());
        }
        a.append(block(role));
      }
      return a.append(sp()).append(']').toString();
    }

    private String usage() {
      List<String> ms = new ArrayList<>();
      ms.add(member("input", tokens()));
      ms.add(member("output", tokens()));
      ms.add(member("cacheRead", number()));
      ms.add(member("totalTokens", number()));
      int c = rnd.nextInt(8);
      if (c == 0) {
        ms.add(member("cost", "null"));
      } else if (c == 1 && odd(1)) {
        ms.add(member("cost", pick(List.of("5", "\"x\""))));
      } else if (c > 2) {
        List<String> cost = new ArrayList<>(List.of(member("input", number())));
        String total = odd(50) ? pick(List.of("\"0.1\"", "true", "1e400", "[1]")) : number();
        if (rnd.nextInt(10) != 0) {
          cost.add(member("total", rnd.nextInt(20) == 0 ? "null" : total));
        }
        ms.add(member("cost", obj(cost)));
      }
      return obj(ms);
    }

    private String tokens() {
      if (odd(50)) {
        return pick(List.of("\"12\"", "1.5", "true", "1e3", "12345678901234567890"));
      }
      return pick(List.of("0", "17", "-4", "798", "null", "123456789012"));
    }

    private String message() {
      String role =
          odd(40)
              ? pick(List.of("bashExecution", "custom", "system", "5"))
              : pick(List.of("user", "assistant", "assistant", "toolResult"));
      List<String> ms = new ArrayList<>();
      ms.add(member("role", role.equals("5") ? "5" : "\"" + role + "\""));
      if (rnd.nextInt(12) != 0) {
        ms.add(member("content", content(role)));
      }
      ms.add(member("timestamp", number()));
      switch (role) {
        case "assistant" -> {
          ms.add(member("api", "\"anthropic-messages\""));
          if (rnd.nextInt(8) != 0) {
            ms.add(member("provider", odd(80) ? "5" : rnd.nextInt(10) == 0 ? "null" : str()));
          }
          if (rnd.nextInt(8) != 0) {
            ms.add(member("model", odd(80) ? "{}" : rnd.nextInt(10) == 0 ? "null" : str()));
          }
          int u = rnd.nextInt(8);
          if (u == 0) {
            ms.add(member("usage", "null"));
          } else if (u == 1 && odd(1)) {
            ms.add(member("usage", pick(List.of("5", "\"x\"", "[]"))));
          } else if (u > 2) {
            ms.add(member("usage", usage()));
          }
          ms.add(member("stopReason", pick(List.of("\"stop\"", "\"toolUse\"", "null"))));
          if (rnd.nextInt(10) == 0) {
            ms.add(member("errorMessage", str()));
          }
        }
        case "toolResult" -> {
          if (rnd.nextInt(10) != 0) {
            ms.add(member("toolCallId", odd(80) ? "5" : rnd.nextInt(10) == 0 ? "null" : str()));
          }
          ms.add(member("toolName", "\"read\""));
          if (rnd.nextInt(6) != 0) {
            ms.add(
                member(
                    "isError",
                    odd(60)
                        ? pick(List.of("\"true\"", "1", "0"))
                        : pick(List.of("true", "false", "null"))));
          }
          if (rnd.nextInt(4) == 0) {
            ms.add(member("details", args(0)));
          }
        }
        default -> {}
      }
      return obj(ms);
    }

    private String time() {
      if (odd(40)) {
        return pick(
            List.of(
                "\"yesterday\"",
                "1767225606400",
                "\"2026-01-01T00:00:00+01:00\"",
                "\"\\u0032026-01-01T00:00:00Z\"",
                "\"2026-02-30T00:00:00Z\"",
                "true"));
      }
      return pick(
          List.of(
              "\"2026-01-01T00:00:06.613Z\"",
              "\"2026-01-01T00:00:06Z\"",
              "\"2026-12-31T23:59:59.123456789Z\"",
              "\"2024-02-29T12:00:00.5Z\"",
              "null"));
    }

    String line(String id, String parent) {
      plain = true;
      List<String> ms = new ArrayList<>();
      ms.add(
          member(
              "type", odd(60) ? pick(List.of("5", "\"label\"", "\"messages\"")) : "\"message\""));
      if (odd(80)) {
        ms.add(member("id", pick(List.of("\"\"", "5", "null"))));
      } else {
        ms.add(member("id", "\"" + id + (rnd.nextInt(10) == 0 ? "\\u0041" : "A") + "\""));
      }
      if (odd(80)) {
        ms.add(member("parentId", pick(List.of("5", "{}", "\"\\ud800\""))));
      } else if (rnd.nextInt(20) != 0) {
        ms.add(member("parentId", parent == null ? "null" : "\"" + parent + "\""));
      }
      if (rnd.nextInt(20) != 0) {
        ms.add(member("timestamp", time()));
      }
      if (odd(60)) {
        ms.add(member("message", pick(List.of("null", "\"hi\"", "[]"))));
      } else {
        ms.add(member("message", message()));
      }
      String line = sp() + obj(ms) + sp();
      if (odd(200)) {
        line += pick(List.of(" x", "}", "{}"));
      }
      return line;
    }
  }
}
