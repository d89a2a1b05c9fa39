package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.secrets.Secrets;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Durability;
import dev.grove.session.Entry;
import dev.grove.session.Parent;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import dev.grove.session.Usage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Streamed JSON is byte for byte what printing the whole tree at once gave. */
class JsonStreamTest {
  @TempDir Path dir;

  /** What {@code session context --json} printed before it streamed: one tree, printed whole. */
  private static String printedWhole(List<Entry> messages) {
    StringWriter s = new StringWriter();
    ArrayNode arr = Json.array();
    messages.forEach(m -> arr.add(Json.entry(m)));
    Json.print(new PrintWriter(s), arr);
    return s.toString();
  }

  private static String streamed(List<Entry> messages) {
    StringWriter s = new StringWriter();
    streamTo(new PrintWriter(s), messages);
    return s.toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"linear", "branches", "nested"})
  void contextJsonOfTheGoldenFilesIsPrintedAsBefore(String name) throws Exception {
    Path file = dir.resolve(name + ".jsonl");
    Files.copy(Path.of("src/test/resources/sessions/" + name + ".jsonl"), file);
    try (SessionStore store = SessionStore.open(file)) {
      for (String lane : store.laneHeads().keySet()) {
        List<Entry> context = store.contextOfLane(lane);
        String expected = printedWhole(context);
        assertThat(streamed(context)).isEqualTo(expected);
        assertThat(bytesNow(context, Secrets.none()))
            .isEqualTo(bytesBefore(context, Secrets.none()));
        CliRunner.Result r =
            new CliRunner(dir).run("session", "context", file.toString(), "--lane", lane, "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo(expected);
      }
    }
  }

  /**
   * What {@code session context --json} printed before it wrote bytes itself: each entry's text
   * handed whole to the terminal filter (redaction, then stand-ins), then the JDK's UTF-8 encoder.
   */
  private static byte[] bytesBefore(List<Entry> messages, Secrets secrets) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    streamTo(
        new TerminalWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), () -> secrets),
        messages);
    return bytes.toByteArray();
  }

  private static byte[] bytesNow(List<Entry> messages, Secrets secrets) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    streamTo(new TerminalWriter(new SafeUtf8Writer(bytes), () -> secrets), messages);
    return bytes.toByteArray();
  }

  /**
   * What the terminal filter did before its pre-check, written out here: each entry's text copied
   * into a string, redacted, its unsafe characters replaced, then encoded.
   */
  private static byte[] bytesRedactingEveryEntry(List<Entry> messages, Secrets secrets) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    java.io.Writer old =
        new java.io.Writer() {
          @Override
          public void write(char[] buf, int off, int len) {
            String text = TerminalWriter.safe(secrets.redact(new String(buf, off, len)));
            bytes.writeBytes(text.getBytes(StandardCharsets.UTF_8));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    streamTo(new PrintWriter(old), messages);
    return bytes.toByteArray();
  }

  private static void streamTo(PrintWriter out, List<Entry> messages) {
    JsonStream w = new JsonStream(out);
    w.startArray();
    for (Entry m : messages) {
      w.entry(m).flush();
    }
    w.endArray().end();
  }

  @Test
  void contextJsonOfRandomMessagesIsPrintedAsBeforeWithSecretsAndControls() {
    long seed = dev.grove.testing.Seeds.of("JsonStreamTest", 42);
    SplittableRandom rnd = new SplittableRandom(seed);
    Path file = dir.resolve("secrets.jsonl");
    SessionStore.Options options =
        SessionStore.Options.defaults()
            .withDurability(Durability.NONE)
            .withClock(Clock.systemUTC());
    Secrets secrets = Secrets.values(List.of(SafeUtf8WriterTest.SECRET));
    try (SessionStore store = SessionStore.create(file, "/r", options)) {
      for (int i = 0; i < 300; i++) {
        store.append(
            new Draft(Parent.laneHead(), "main", randomMessage(rnd), rnd.nextInt(50) == 0));
      }
      List<Entry> context = store.contextOfLane("main");
      assertThat(context).isNotEmpty();
      assertThat(streamed(context)).isEqualTo(printedWhole(context));
      for (Secrets s : List.of(Secrets.none(), secrets)) {
        byte[] now = bytesNow(context, s);
        assertThat(now).isEqualTo(bytesBefore(context, s));
        assertThat(now).isEqualTo(bytesRedactingEveryEntry(context, s));
        String shown = new String(now, StandardCharsets.UTF_8);
        assertThat(shown.chars().filter(c -> c != '\n' && TerminalWriter.unsafe((char) c)))
            .isEmpty();
      }
      String redacted = new String(bytesNow(context, secrets), StandardCharsets.UTF_8);
      assertThat(redacted).contains(Secrets.MASK).doesNotContain(SafeUtf8WriterTest.SECRET);
      assertThat(redacted).doesNotContain(SafeUtf8WriterTest.SECRET.substring(10, 20));
    }
  }

  /**
   * Text with echoes of {@code secret}: whole, in mixed case, cut by what JSON escapes, in parts.
   */
  private static String plantedText(SplittableRandom rnd, String secret) {
    StringBuilder sb = new StringBuilder();
    for (int n = 1 + rnd.nextInt(6); n > 0; n--) {
      switch (rnd.nextInt(8)) {
        case 0 -> sb.append(secret);
        case 1 -> {
          for (char c : secret.toCharArray()) {
            sb.append(rnd.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
          }
        }
        case 2 -> { // across an escape: a newline, a control, a quote or a backslash in the key
          int at = 1 + rnd.nextInt(secret.length() - 1);
          sb.append(secret, 0, at)
              .append(PIECES[rnd.nextInt(12)])
              .append(secret, at, secret.length());
        }
        case 3 -> { // a piece of 7 or more, maybe reversed
          int from = rnd.nextInt(secret.length() - 7);
          String piece = secret.substring(from, from + 7 + rnd.nextInt(secret.length() - from - 6));
          sb.append(rnd.nextBoolean() ? piece : new StringBuilder(piece).reverse());
        }
        case 4 -> sb.append("keys look like sk-proj-… or ghp_…; ");
        case 5 ->
            sb.append(
                java.util.Base64.getEncoder()
                    .encodeToString(
                        ("{\"key\":\"" + secret + "\"}").getBytes(StandardCharsets.UTF_8)));
        default -> sb.append(text(rnd, 6));
      }
    }
    return sb.toString();
  }

  @Test
  void contextJsonWithSecretsPlantedEverywhereIsRedactedAsBefore() {
    long seed = dev.grove.testing.Seeds.of("JsonStreamTest planted secrets", 7);
    SplittableRandom rnd = new SplittableRandom(seed);
    String other = "ghp_Zx1Cv2Bn3Mm4Lk5Jh6Qw7Er8Ty9";
    Secrets secrets =
        Secrets.values(List.of(SafeUtf8WriterTest.SECRET, other, "correcthorsebattery"));
    List<String> keys = List.of(SafeUtf8WriterTest.SECRET, other, "correcthorsebattery");
    List<Entry> messages = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String key = keys.get(rnd.nextInt(keys.size()));
      Body.Message m =
          switch (rnd.nextInt(3)) {
            case 0 -> Body.Message.of(Role.USER, plantedText(rnd, key));
            case 1 ->
                new Body.Message(
                    Role.TOOL, plantedText(rnd, key), List.of(), "call_1", false, null, null, null);
            default ->
                new Body.Message(
                    Role.ASSISTANT,
                    rnd.nextBoolean() ? plantedText(rnd, key) : null,
                    List.of(
                        new ToolCall(
                            "call_1",
                            "bash",
                            "{\"cmd\": "
                                + JsonNodeFactory.instance.textNode(plantedText(rnd, key))
                                + ", \"n\": [1, \""
                                + key
                                + "\"]}"),
                        new ToolCall("call_2", "echo", plantedText(rnd, key))),
                    null,
                    false,
                    null,
                    null,
                    null);
          };
      messages.add(
          new Entry("e" + i, i == 0 ? null : "e" + (i - 1), null, "main", false, m, i + 1));
    }
    byte[] now = bytesNow(messages, secrets);
    byte[] redactingEveryEntry = bytesRedactingEveryEntry(messages, secrets);
    assertThat(now).as("seed %d", seed).isEqualTo(redactingEveryEntry);
    assertThat(bytesBefore(messages, secrets))
        .as("seed %d, through the JDK's encoder", seed)
        .isEqualTo(redactingEveryEntry);
    String shown = new String(now, StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
    assertThat(shown).contains(Secrets.MASK.toLowerCase(java.util.Locale.ROOT));
    for (String key : keys) {
      String body = key.substring(Math.max(key.lastIndexOf('-', 15), key.lastIndexOf('_', 15)) + 1);
      assertThat(shown).as("seed %d", seed).doesNotContain(key.toLowerCase(java.util.Locale.ROOT));
      for (int i = 0; i + 7 <= body.length(); i++) {
        String piece = body.substring(i, i + 7).toLowerCase(java.util.Locale.ROOT);
        if (!key.equals("correcthorsebattery")) {
          assertThat(shown).as("seed %d: a piece of a key", seed).doesNotContain(piece);
          assertThat(shown)
              .as("seed %d: a piece of a key, reversed", seed)
              .doesNotContain(new StringBuilder(piece).reverse());
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"linear", "branches", "nested"})
  void showPrintsEachEntryAsBefore(String name) throws Exception {
    Path file = dir.resolve(name + ".jsonl");
    Files.copy(Path.of("src/test/resources/sessions/" + name + ".jsonl"), file);
    List<Entry> entries = new ArrayList<>();
    try (SessionStore store = SessionStore.open(file)) {
      store.forEachNode(n -> entries.add(store.entry(n.id())));
    }
    assertThat(entries).isNotEmpty();
    for (Entry e : entries) {
      StringWriter expected = new StringWriter();
      Json.print(new PrintWriter(expected), Json.entry(e));
      CliRunner.Result r = new CliRunner(dir).run("session", "show", file.toString(), e.id());
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.out()).isEqualTo(expected.toString());
    }
  }

  @Test
  void emptyContextIsAnEmptyArray() {
    assertThat(streamed(List.of())).isEqualTo(printedWhole(List.of()));
  }

  @Test
  void longStringsAreEscapedAsJacksonEscapesThem() {
    long seed = dev.grove.testing.Seeds.of("JsonStreamTest long strings", 5);
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int length : new int[] {0, 1, 1023, 1024, 1025, 16_384, 20_000, 70_000}) {
      for (int escapes : new int[] {0, 1, 3, 500}) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
          sb.append(rnd.nextInt(4) == 0 ? "é日本" : "plain text ");
        }
        sb.setLength(length);
        for (int k = 0; k < escapes && length > 0; k++) {
          int at = k == 0 ? 0 : k == 1 ? length - 1 : rnd.nextInt(length);
          sb.setCharAt(at, PIECES[2 + rnd.nextInt(12)].charAt(0));
        }
        ArrayNode tree = JsonNodeFactory.instance.arrayNode().add(sb.toString()).add(sb.toString());
        StringWriter expected = new StringWriter();
        Json.print(new PrintWriter(expected), tree);
        StringWriter actual = new StringWriter();
        new JsonStream(new PrintWriter(actual)).tree(tree).end();
        assertThat(actual.toString())
            .as("seed %d, %d characters, %d escapes", seed, length, escapes)
            .isEqualTo(expected.toString());
      }
    }
  }

  @Test
  void treesArePrintedAsJacksonPrintsThem() {
    SplittableRandom rnd = new SplittableRandom(Long.getLong("grove.seed", 7));
    for (int i = 0; i < 200; i++) {
      JsonNode tree = randomTree(rnd, 0);
      StringWriter expected = new StringWriter();
      Json.print(new PrintWriter(expected), tree);
      StringWriter actual = new StringWriter();
      new JsonStream(new PrintWriter(actual)).tree(tree).end();
      assertThat(actual.toString()).isEqualTo(expected.toString());
    }
  }

  /** Tool-call arguments as printing the tree Jackson reads of them gave them. */
  private static String argumentsViaJackson(String text) {
    StringWriter s = new StringWriter();
    JsonStream w = new JsonStream(new PrintWriter(s));
    w.startArray().startObject().name("arguments");
    JsonNode object = Json.argumentsObject(text);
    if (object != null) {
      w.tree(object);
    } else {
      w.string(text);
    }
    w.endObject().endArray().end();
    return s.toString();
  }

  private static String argumentsReprinted(String text) {
    StringWriter s = new StringWriter();
    JsonStream w = new JsonStream(new PrintWriter(s));
    w.startArray().startObject().name("arguments");
    boolean withoutJackson = w.arguments(text);
    if (PLAIN.contains(text)) {
      assertThat(withoutJackson).as(text).isTrue();
    }
    w.endObject().endArray().end();
    return s.toString();
  }

  /** Arguments printed without Jackson. */
  private static final List<String> PLAIN =
      List.of(
          "",
          "[1]",
          "{}",
          " {\n} ",
          "{\"a\":\"\\u00e9\\ud83d\\ude00\\ud800\\/\"}",
          "{\"path\": \"src/Main.java\", \"lines\": [1, -2, {\"b\": null}], \"ok\": true}");

  @Test
  void toolCallArgumentsAreReprintedAsJacksonReadThem() {
    long seed = dev.grove.testing.Seeds.of("JsonStreamTest arguments", 5);
    SplittableRandom rnd = new SplittableRandom(seed);
    List<String> fixed =
        List.of(
            "",
            "  ",
            "{}",
            " {\n} ",
            "{} x",
            "[1]",
            "{\"a\":1,\"a\":2}",
            "{\"a\":-0}",
            "{\"a\":007}",
            "{\"a\":1.50}",
            "{\"a\":1e400}",
            "{\"a\":12345678901234567890123}",
            "{\"a\":truex}",
            "{\"a\":\"\\u00e9\\ud83d\\ude00\\ud800\\/\"}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"tab\there\"}",
            "\u00a0{}",
            "{\"a\":[]}\f",
            "{\"path\": \"src/Main.java\", \"lines\": [1, 2, {\"b\": null}], \"ok\": true}");
    for (List<String> texts : List.of(PLAIN, fixed)) {
      for (String text : texts) {
        assertThat(argumentsReprinted(text)).as(text).isEqualTo(argumentsViaJackson(text));
      }
    }
    for (int i = 0; i < 3000; i++) {
      String text = mutated(rnd, jsonText(rnd, 0));
      assertThat(argumentsReprinted(text)).as(text).isEqualTo(argumentsViaJackson(text));
    }
  }

  @Test
  void timesArePrintedAsInstantPrintsThem() {
    SplittableRandom rnd = new SplittableRandom(Long.getLong("grove.seed", 3));
    for (int i = 0; i < 20000; i++) {
      long seconds =
          switch (rnd.nextInt(3)) {
            case 0 -> rnd.nextLong(-62167219200L - 1000, 253402300799L + 1000);
            case 1 -> rnd.nextLong(1_600_000_000L, 2_000_000_000L);
            default -> rnd.nextLong(-100_000_000_000L, 100_000_000_000L);
          };
      int nano =
          switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> rnd.nextInt(1000) * 1_000_000;
            case 2 -> rnd.nextInt(1_000_000) * 1000;
            default -> rnd.nextInt(1_000_000_000);
          };
      Instant t = Instant.ofEpochSecond(seconds, nano);
      StringWriter s = new StringWriter();
      JsonStream w = new JsonStream(new PrintWriter(s));
      w.instant(t);
      w.end();
      assertThat(s.toString()).isEqualTo("\"" + t + "\"" + System.lineSeparator());
    }
  }

  private static final String[] JSON_STRINGS = {
    "\"\"",
    "\"path\"",
    "\"a b\"",
    "\"\\n\\t\\\"\\\\\\/\"",
    "\"\\u00E9\\u001b\\u202e\"",
    "\"\\ud83d\\ude00\"",
    "\"\\udc00\"",
    "\"日本😀\"",
    "\"\u0085\"",
    "\"\\q\"",
    "\"raw\ttab\"",
  };

  private static final String[] JSON_NUMBERS = {
    "0",
    "-0",
    "7",
    "-12",
    "007",
    "123456789012345678",
    "1234567890123456789",
    "99999999999999999999",
    "1.5",
    "-0.0",
    "1e3",
    "1E-3",
    "2.50",
    "1e400",
    "-",
    "+1",
    ".5",
  };

  private static final String[] WHITE = {"", "", " ", "\n", "\t", "\r\n  ", "\f", "\u00a0"};

  private static String jsonText(SplittableRandom rnd, int depth) {
    String w = WHITE[rnd.nextInt(WHITE.length)];
    int kind = depth == 0 ? 0 : rnd.nextInt(depth > 3 ? 4 : 6);
    return w
        + switch (kind) {
          case 0 -> {
            StringBuilder sb = new StringBuilder("{");
            for (int k = rnd.nextInt(4); k > 0; k--) {
              sb.append(WHITE[rnd.nextInt(WHITE.length)])
                  .append(
                      rnd.nextInt(3) == 0
                          ? JSON_STRINGS[rnd.nextInt(JSON_STRINGS.length)]
                          : "\"k" + rnd.nextInt(4) + "\"")
                  .append(WHITE[rnd.nextInt(WHITE.length)])
                  .append(':')
                  .append(jsonText(rnd, depth + 1))
                  .append(k > 1 ? "," : "");
            }
            yield sb.append(WHITE[rnd.nextInt(WHITE.length)]).append('}').toString();
          }
          case 1 -> JSON_STRINGS[rnd.nextInt(JSON_STRINGS.length)];
          case 2 -> JSON_NUMBERS[rnd.nextInt(JSON_NUMBERS.length)];
          case 3 -> List.of("true", "false", "null", "nul", "True").get(rnd.nextInt(5));
          default -> {
            StringBuilder sb = new StringBuilder("[");
            for (int k = rnd.nextInt(4); k > 0; k--) {
              sb.append(jsonText(rnd, depth + 1)).append(k > 1 ? "," : "");
            }
            yield sb.append(WHITE[rnd.nextInt(WHITE.length)]).append(']').toString();
          }
        }
        + WHITE[rnd.nextInt(WHITE.length)];
  }

  /** Mostly as generated; sometimes cut short, with a character put in, or something after it. */
  private static String mutated(SplittableRandom rnd, String text) {
    return switch (rnd.nextInt(8)) {
      case 0 -> text.substring(0, rnd.nextInt(text.length() + 1));
      case 1 -> {
        int at = rnd.nextInt(text.length() + 1);
        yield text.substring(0, at) + ",:{}[]\"\\x1 ".charAt(rnd.nextInt(11)) + text.substring(at);
      }
      case 2 -> text + List.of(" x", "}", ",", "{}", "\u0000").get(rnd.nextInt(5));
      default -> text;
    };
  }

  // ---------------------------------------------------------------- random content

  private static final String[] PIECES = {
    "a",
    "fix ",
    "\n",
    "\t",
    "\r",
    "\"",
    "\\",
    "/",
    "é",
    "😀",
    "\u0000",
    "\u001b[2J",
    "\u007f",
    "\u0085",
    "\u009b",
    "\u202e",
    "\u2066",
    "\u2028",
    "日本",
    "\b",
    "\f",
    "\u00ad",
    "\ufeff",
    // no surrogate without its pair: the store refuses to write one (SafeUtf8WriterTest prints
    // them)
    SafeUtf8WriterTest.SECRET,
    SafeUtf8WriterTest.SECRET.substring(10, 20),
  };

  private static String text(SplittableRandom rnd, int max) {
    StringBuilder sb = new StringBuilder();
    for (int n = rnd.nextInt(max + 1); n > 0; n--) {
      sb.append(PIECES[rnd.nextInt(PIECES.length)]);
    }
    return sb.toString();
  }

  private static Body.Message randomMessage(SplittableRandom rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> {
        List<ToolCall> calls = new ArrayList<>();
        for (int k = rnd.nextInt(3); k > 0; k--) {
          String args =
              switch (rnd.nextInt(4)) {
                case 0 -> randomTree(rnd, 1).toString();
                case 1 -> "{\"path\": " + JsonNodeFactory.instance.textNode(text(rnd, 4)) + "}";
                case 2 -> text(rnd, 4);
                default -> "{\"x\":1.50,\"y\":1e400,\"z\":[]}";
              };
          calls.add(new ToolCall("call_" + k, "tool_" + k, args));
        }
        yield new Body.Message(
            Role.ASSISTANT,
            rnd.nextBoolean() ? text(rnd, 40) : null,
            calls,
            null,
            false,
            rnd.nextBoolean() ? "m:" + text(rnd, 2) : null,
            rnd.nextBoolean()
                ? new Usage(rnd.nextLong(1L << 40), rnd.nextInt(1000), rnd.nextDouble())
                : null,
            null);
      }
      case 1 ->
          new Body.Message(
              Role.TOOL,
              text(rnd, 80),
              List.of(),
              "call_" + rnd.nextInt(3),
              rnd.nextBoolean(),
              null,
              null,
              rnd.nextBoolean() ? "0123456789abcdef0123" : null);
      default -> Body.Message.of(rnd.nextBoolean() ? Role.USER : Role.SYSTEM, text(rnd, 60));
    };
  }

  private static JsonNode randomTree(SplittableRandom rnd, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    int kind = depth > 3 ? 2 + rnd.nextInt(6) : rnd.nextInt(8);
    return switch (kind) {
      case 0 -> {
        ObjectNode o = f.objectNode();
        for (int k = rnd.nextInt(4); k > 0; k--) {
          o.set(text(rnd, 2) + k, randomTree(rnd, depth + 1));
        }
        yield o;
      }
      case 1 -> {
        ArrayNode a = f.arrayNode();
        for (int k = rnd.nextInt(4); k > 0; k--) {
          a.add(randomTree(rnd, depth + 1));
        }
        yield a;
      }
      case 2 -> f.textNode(text(rnd, 6));
      case 3 -> f.numberNode(rnd.nextInt());
      case 4 -> f.numberNode(rnd.nextLong());
      case 5 ->
          f.numberNode(
              switch (rnd.nextInt(5)) {
                case 0 -> Double.POSITIVE_INFINITY;
                case 1 -> -0.0;
                case 2 -> 1e-300 * rnd.nextDouble();
                default -> rnd.nextDouble() * 1e6;
              });
      case 6 -> f.numberNode(BigInteger.valueOf(rnd.nextLong()).shiftLeft(70));
      default -> rnd.nextBoolean() ? f.booleanNode(rnd.nextBoolean()) : f.nullNode();
    };
  }
}
