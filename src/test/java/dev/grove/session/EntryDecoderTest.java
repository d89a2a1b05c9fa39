package dev.grove.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lean decoder against the full (Jackson) parser: for every line, either the same entry, or the
 * same problem. Lines grove writes, lines other tools might write, and random damage to both.
 */
class EntryDecoderTest {

  /** What reading a line gives: the entry, or the problem reported for it. */
  private record Outcome(Entry entry, String problem) {}

  private static Outcome lean(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return lean(b);
  }

  private static Outcome lean(byte[] b) {
    try {
      return new Outcome(EntryCodec.decode(b, 0, b.length, 7), null);
    } catch (EntryCodec.BadLine bad) {
      return new Outcome(null, bad.getMessage());
    }
  }

  private static Outcome full(byte[] b) {
    try {
      return new Outcome(EntryCodec.decodeFully(b, 0, b.length, 7), null);
    } catch (EntryCodec.BadLine bad) {
      return new Outcome(null, bad.getMessage());
    }
  }

  /** Decodes a line both ways and checks they agree; returns whether the lean decoder took it. */
  private static boolean agree(byte[] line) {
    Outcome full = full(line);
    Outcome lean = lean(line);
    assertThat(lean).as("%s", new String(line, StandardCharsets.UTF_8)).isEqualTo(full);
    try {
      new EntryDecoder().decode(line, 0, line.length, 7);
      return true;
    } catch (EntryDecoder.Unhandled unhandled) {
      return false;
    }
  }

  private static boolean agree(String line) {
    return agree(line.getBytes(StandardCharsets.UTF_8));
  }

  static Stream<String> goldenLines() throws Exception {
    List<String> lines = new ArrayList<>();
    for (String name : List.of("linear", "branches", "nested")) {
      List<String> all =
          Files.readAllLines(Path.of("src/test/resources/sessions/" + name + ".jsonl"));
      lines.addAll(all.subList(1, all.size()));
    }
    return lines.stream();
  }

  @ParameterizedTest
  @MethodSource("goldenLines")
  void goldenLinesDecodeAsTheFullParserDecodesThem(String line) {
    agree(line);
  }

  @Test
  void linesGroveWritesAreDecodedWithoutTheFullParser() {
    SplittableRandom rnd = new SplittableRandom(seed(11));
    for (int i = 0; i < 2_000; i++) {
      Entry e = randomEntry(rnd, i);
      byte[] line = EntryCodec.encode(e);
      byte[] withoutNewline = java.util.Arrays.copyOf(line, line.length - 1);
      boolean taken = agree(withoutNewline);
      assertThat(taken || e.body() instanceof Body.Event)
          .as("grove's own line is left to the full parser: %s", e.toJson())
          .isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // other field orders, spaces, unknown fields of every kind
        " { \"lane\" : \"x\" , \"parentId\" : null, \"id\":\"ab\", \"type\":\"message\", \"role\":\"user\","
            + " \"content\": \"hi\", \"extra\": {\"a\": [1, 2.5e-3, -0, true, false, null, {}, []]} } ",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":\"p\",\"role\":\"assistant\",\"content\":null,"
            + "\"toolCalls\":[{\"id\":\"c\",\"name\":\"n\",\"arguments\":{\"b\": 1, \"a\":[1.50, \"\\/\"]}}]}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":\"p\",\"role\":\"assistant\",\"content\":\"\","
            + "\"toolCalls\":[{\"id\":\"c\",\"name\":\"n\",\"arguments\":{\"a\":1,\"a\":2}}]}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":\"p\",\"role\":\"assistant\",\"content\":\"\","
            + "\"toolCalls\":[{\"id\":\"c\",\"name\":\"n\",\"arguments\":\"not json\"},{\"name\":\"m\"}]}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":\"p\",\"role\":\"assistant\","
            + "\"toolCalls\":[{\"id\":\"c\",\"name\":\"n\",\"arguments\":{\"s\":\"\\u001F\\u001f\\u00e9\\t\"}}]}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":\"p\",\"role\":\"assistant\","
            + "\"toolCalls\":[{\"id\":\"c\",\"name\":\"n\",\"arguments\":{\"n\":-0,\"m\":007}}]}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":\"p\",\"role\":\"tool\",\"toolCallId\":\"c\","
            + "\"isError\":true,\"usage\":{\"inputTokens\":5,\"outputTokens\":0,\"cost\":1E-3},\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":\"p\",\"role\":\"user\",\"usage\":{\"inputTokens\":1.5},\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":\"p\",\"role\":\"user\",\"usage\":null,\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":\"p\",\"role\":\"user\",\"usage\":{\"inputTokens\":-1},\"content\":\"x\"}",
        // escapes: every kind, surrogate pairs, lone surrogates, non-ASCII raw
        "{\"type\":\"message\",\"id\":\"a\\u0031\",\"parentId\":null,\"role\":\"user\","
            + "\"content\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00 é 😀 ✓\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"content\":\"\\uD83D x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"content\":\"\\uDE00\"}",
        // names: escaped, repeated
        "{\"type\":\"message\",\"\\u0069d\":\"a1\",\"parentId\":null,\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"id\":\"a2\",\"parentId\":null,\"role\":\"user\",\"content\":\"x\",\"content\":\"y\"}",
        // times: grove's, other forms, impossible dates, not strings
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"ts\":\"2026-02-28T23:59:59.123456789Z\",\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"ts\":\"2024-02-29T00:00:00Z\",\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"ts\":\"2026-02-29T00:00:00Z\",\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"ts\":\"2026-01-01T01:00:00+01:00\",\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"ts\":\"2026-01-01T24:00:00Z\",\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"ts\":\"2026-01-01T00:00:00.Z\",\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"ts\":\"0000-01-01T00:00:00Z\",\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"ts\":\"1969-12-31T23:59:59.999Z\",\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"ts\":12,\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"ts\":\"yesterday\",\"role\":\"user\",\"content\":\"x\"}",
        // values of other JSON types where grove reads strings or booleans
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"content\":5}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"content\":{\"a\":1}}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"contextRoot\":\"true\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"contextRoot\":1,\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":5,\"parentId\":null,\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":7,\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"\",\"parentId\":null,\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"critic\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"toolCalls\":[{\"name\":\"x\"}]}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"assistant\",\"toolCalls\":{}}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"assistant\",\"toolCalls\":[{\"name\":\" \"}]}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"assistant\",\"toolCalls\":[{\"id\":null,\"name\":\"n\"}]}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"assistant\",\"toolCalls\":[\"x\"]}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"tool\",\"checkpoint\":\"xyz\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"tool\",\"checkpoint\":\"abcdef0\",\"content\":\"x\"}",
        // other types
        "{\"type\":\"label\",\"id\":\"a1\",\"parentId\":\"t\",\"lane\":\"main\",\"targetId\":\"t\",\"label\":\"good\"}",
        "{\"type\":\"label\",\"id\":\"a1\",\"parentId\":\"t\",\"targetId\":\"t\"}",
        "{\"type\":\"label\",\"id\":\"a1\",\"parentId\":\"t\",\"label\":\"x\"}",
        "{\"type\":\"head\",\"id\":\"a1\",\"parentId\":\"t\",\"lane\":\"l\",\"targetId\":\"t\"}",
        "{\"type\":\"summary\",\"id\":\"a1\",\"parentId\":\"t\",\"kind\":\"compaction\",\"fromId\":\"f\",\"toId\":\"t\",\"summary\":\"s\"}",
        "{\"type\":\"summary\",\"id\":\"a1\",\"parentId\":\"t\",\"kind\":\"other\",\"fromId\":\"f\",\"toId\":\"t\",\"summary\":\"s\"}",
        "{\"type\":\"summary\",\"id\":\"a1\",\"parentId\":\"t\",\"kind\":\"branch\",\"fromId\":\"f\",\"summary\":\"s\"}",
        "{\"type\":\"event\",\"id\":\"a1\",\"parentId\":\"t\",\"kind\":\"lane.finished\",\"data\":{\"ok\":true}}",
        "{\"type\":\"event\",\"id\":\"a1\",\"parentId\":\"t\",\"kind\":\"\"}",
        "{\"type\":\"checkpoint\",\"id\":\"a1\",\"parentId\":\"t\",\"sha\":\"abc\",\"n\":[1,{\"x\":null}]}",
        "{\"type\":5,\"id\":\"a1\",\"parentId\":null}",
        // damage
        "",
        "   ",
        "{}",
        "[]",
        "null",
        "{\"type\":\"message\"",
        "{\"type\":\"message\",}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"content\":\"x\"} {}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"content\":\"x\"}x",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"content\":\"a\tb\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"content\":\"\\x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"content\":\"\\u12\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"n\":01,\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"n\":1.,\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"n\":NaN,\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"n\":tru,\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"n\":[1,],\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"n\":{\"a\"},\"content\":\"x\"}",
      })
  void linesOtherToolsMightWriteAgree(String line) {
    agree(line);
  }

  @Test
  void invalidUtf8AndControlBytesAgree() {
    String head =
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"content\":\"";
    byte[][] insides = {
      {(byte) 0xc3},
      {(byte) 0xc0, (byte) 0x80},
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80},
      {(byte) 0xe2, (byte) 0x82},
      {(byte) 0xff},
      {0},
      {0x1b, '[', '2', 'J'},
      {0x7f},
    };
    for (byte[] inside : insides) {
      byte[] h = head.getBytes(StandardCharsets.UTF_8);
      byte[] line = new byte[h.length + inside.length + 2];
      System.arraycopy(h, 0, line, 0, h.length);
      System.arraycopy(inside, 0, line, h.length, inside.length);
      line[line.length - 2] = '"';
      line[line.length - 1] = '}';
      agree(line);
    }
  }

  @Test
  void deepNestingAndLongValuesAgree() {
    String deep = "[".repeat(1_200) + "]".repeat(1_200);
    agree(
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"x\":"
            + deep
            + ",\"content\":\"x\"}");
    String fine = "[".repeat(150) + "]".repeat(150);
    assertThat(
            agree(
                "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"x\":"
                    + fine
                    + ",\"content\":\"x\"}"))
        .isTrue();
    agree(
        "{\"type\":\"message\",\"id\":\"a1\",\"parentId\":null,\"role\":\"user\",\"n\":"
            + "1".repeat(1_500)
            + ",\"content\":\"x\"}");
  }

  /** Random bytes changed, removed or added in valid lines: both parsers always agree. */
  @Test
  void damagedLinesAreReportedAsTheFullParserReportsThem() {
    long seed = seed(20261130);
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] alphabet =
        "{}[]\":,\\ -0123456789.eEtrufalsn\t\u00e9abc/".getBytes(StandardCharsets.UTF_8);
    for (int i = 0, n = Integer.getInteger("grove.fuzz", 3_000); i < n; i++) {
      byte[] line = EntryCodec.encode(randomEntry(rnd, i));
      line = java.util.Arrays.copyOf(line, line.length - 1);
      int edits = 1 + rnd.nextInt(3);
      for (int k = 0; k < edits; k++) {
        int at = rnd.nextInt(line.length + 1);
        byte x =
            rnd.nextInt(10) == 0 ? (byte) rnd.nextInt(256) : alphabet[rnd.nextInt(alphabet.length)];
        line =
            switch (rnd.nextInt(3)) {
              case 0 -> insert(line, at, x);
              case 1 -> at < line.length ? remove(line, at) : line;
              default -> {
                if (at < line.length) {
                  line[at] = x;
                }
                yield line;
              }
            };
      }
      agree(line);
    }
  }

  @Test
  void timesAreReadAsInstantParseReadsThem() {
    SplittableRandom rnd = new SplittableRandom(seed(5));
    for (int i = 0; i < 20_000; i++) {
      Instant t = Instant.ofEpochSecond(rnd.nextLong(-62_167_219_200L, 253_402_300_799L), 0);
      t = t.plusNanos(rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(1_000_000_000));
      if (rnd.nextBoolean()) {
        t = t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
      }
      String text = t.toString();
      assertThat(EntryDecoder.instant(text)).as(text).isEqualTo(Instant.parse(text));
    }
  }

  // ---------------------------------------------------------------- random entries

  static long seed(long fallback) {
    return dev.grove.testing.Seeds.of("EntryDecoderTest", fallback);
  }

  private static final String[] PIECES = {
    "fix",
    "the",
    " ",
    "\n",
    "\t",
    "\"",
    "\\",
    "/",
    "é",
    "😀",
    "\u2028",
    "\u0000",
    "\u001b[31m",
    "\u007f",
    "\u202e",
    "{\"a\":1}",
    "日本",
    "\r\n",
    "0",
    "-",
    "ü",
  };

  static String text(SplittableRandom rnd, int max) {
    int n = rnd.nextInt(max + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(PIECES[rnd.nextInt(PIECES.length)]);
    }
    return sb.toString();
  }

  static String id(SplittableRandom rnd) {
    return String.format("%08x", rnd.nextInt());
  }

  static String arguments(SplittableRandom rnd) {
    return switch (rnd.nextInt(6)) {
      case 0 -> "{}";
      case 1 -> "{\"path\":" + quote(text(rnd, 5)) + "}";
      case 2 ->
          "{\"n\":" + rnd.nextInt() + ",\"ok\":true,\"list\":[1,null,\"x\"],\"o\":{\"k\":-5}}";
      case 3 -> "{\"f\":1.25,\"e\":1e3}";
      case 4 -> text(rnd, 4); // not JSON: kept as a string
      default -> "{ \"spaced\" : [ 1 , 2 ] }";
    };
  }

  private static String quote(String s) {
    return JsonNodeFactory.instance.textNode(s).toString();
  }

  static Entry randomEntry(SplittableRandom rnd, int i) {
    Instant ts = Instant.ofEpochMilli(1_700_000_000_000L + rnd.nextLong(100_000_000_000L));
    String lane = rnd.nextInt(5) == 0 ? "lane-" + rnd.nextInt(3) : "main";
    String parent = rnd.nextInt(10) == 0 ? null : id(rnd);
    boolean contextRoot = rnd.nextInt(10) == 0;
    Body body =
        switch (rnd.nextInt(10)) {
          case 0 -> new Body.Label(id(rnd), text(rnd, 3));
          case 1 -> new Body.Head(id(rnd));
          case 2 ->
              new Body.Summary(
                  rnd.nextBoolean() ? Body.SummaryKind.BRANCH : Body.SummaryKind.COMPACTION,
                  id(rnd),
                  id(rnd),
                  text(rnd, 20));
          case 3 ->
              new Body.Event(
                  "lane.x", JsonNodeFactory.instance.objectNode().put("k", text(rnd, 3)));
          case 4 -> {
            List<ToolCall> calls = new ArrayList<>();
            for (int k = rnd.nextInt(3); k > 0; k--) {
              calls.add(new ToolCall("call_" + k, "tool" + rnd.nextInt(3), arguments(rnd)));
            }
            yield new Body.Message(
                Role.ASSISTANT,
                rnd.nextInt(4) == 0 ? null : text(rnd, 30),
                calls,
                null,
                false,
                rnd.nextBoolean() ? "openai:gpt-4.1" : null,
                rnd.nextBoolean()
                    ? new Usage(rnd.nextInt(100_000), rnd.nextInt(1000), rnd.nextDouble() / 10)
                    : null,
                null);
          }
          case 5 ->
              new Body.Message(
                  Role.TOOL,
                  text(rnd, 200),
                  List.of(),
                  "call_" + rnd.nextInt(5),
                  rnd.nextBoolean(),
                  null,
                  null,
                  rnd.nextBoolean() ? "abcdef0123456789" : null);
          default ->
              Body.Message.of(
                  rnd.nextBoolean() ? Role.USER : Role.SYSTEM, text(rnd, 1 + rnd.nextInt(60)));
        };
    return new Entry(id(rnd), parent, ts, lane, contextRoot, body, 0);
  }

  private static byte[] insert(byte[] b, int at, byte x) {
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, at);
    out[at] = x;
    System.arraycopy(b, at, out, at + 1, b.length - at);
    return out;
  }

  private static byte[] remove(byte[] b, int at) {
    byte[] out = new byte[b.length - 1];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(b, at + 1, out, at, b.length - at - 1);
    return out;
  }
}
