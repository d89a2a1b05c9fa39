package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.secrets.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The terminal filter encoding UTF-8 itself prints byte for byte what the filter in front of the
 * JDK's encoder printed: the same redaction, the same stand-ins, the same bytes for every
 * character, a surrogate without its pair included.
 */
class SafeUtf8WriterTest {
  static final String SECRET = "sk-proj-Ab3dEf9hIjKlMn0pQrStUvWx";

  private static final String[] PIECES = {
    "a",
    "plain ascii text ",
    "\n",
    "\t",
    "\r",
    "\u0000",
    "\u001b]52;c;",
    "\u0007",
    "\u007f",
    "\u0080",
    "\u0085",
    "\u009b",
    "\u009f",
    "\u00a0",
    "é",
    "\u07ff",
    "\u0800",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u2028",
    "日本",
    "\ufeff",
    "\uffff",
    "😀",
    "\ud83d", // a high surrogate alone, or the first half of a pair split across writes
    "\ude00", // a low surrogate alone
    SECRET,
    SECRET.substring(10, 20),
    "[REDACTED]",
  };

  /** Random text written in random pieces, through both ways, with and without secrets. */
  @Test
  void printsWhatTheFilterInFrontOfTheJdksEncoderPrinted() {
    long seed = dev.grove.testing.Seeds.of("SafeUtf8WriterTest", 11);
    SplittableRandom rnd = new SplittableRandom(seed);
    for (Supplier<Secrets> secrets :
        List.<Supplier<Secrets>>of(Secrets::none, () -> Secrets.values(List.of(SECRET)))) {
      for (int round = 0; round < 300; round++) {
        ByteArrayOutputStream before = new ByteArrayOutputStream();
        ByteArrayOutputStream after = new ByteArrayOutputStream();
        TerminalWriter old =
            new TerminalWriter(new OutputStreamWriter(before, StandardCharsets.UTF_8), secrets);
        TerminalWriter now = new TerminalWriter(new SafeUtf8Writer(after), secrets);
        for (int k = rnd.nextInt(20); k > 0; k--) {
          String text = text(rnd, 30);
          switch (rnd.nextInt(6)) {
            case 0 -> {
              old.print(text);
              now.print(text);
            }
            case 1 -> {
              old.write(text.toCharArray(), 0, text.length());
              now.write(text.toCharArray(), 0, text.length());
            }
            case 2 -> {
              old.println(text);
              now.println(text);
            }
            case 3 -> {
              if (!text.isEmpty()) {
                old.write(text.charAt(0));
                now.write(text.charAt(0));
              }
            }
            case 4 -> {
              old.control("\u001b[2F");
              now.control("\u001b[2F");
            }
            default -> {
              old.flush();
              now.flush();
            }
          }
        }
        old.close();
        now.close();
        assertThat(after.toByteArray())
            .as("round %d: %s", round, before.toString(StandardCharsets.UTF_8))
            .isEqualTo(before.toByteArray());
      }
    }
  }

  @Test
  void aSurrogatePairSplitAcrossWritesIsOneCharacter() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TerminalWriter w = new TerminalWriter(new SafeUtf8Writer(out));
    w.write(new char[] {'a', '\ud83d'}, 0, 2);
    w.write(new char[] {'\ude00', 'b'}, 0, 2);
    w.flush();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a😀b");
  }

  @Test
  void whatATerminalActsOnNeverReachesTheBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TerminalWriter w = new TerminalWriter(new SafeUtf8Writer(out));
    w.println(TerminalWriterTest.HOSTILE);
    w.flush();
    String shown = out.toString(StandardCharsets.UTF_8);
    assertThat(shown.chars().filter(c -> TerminalWriter.unsafe((char) c) && c != '\n')).isEmpty();
    assertThat(shown).contains("summary\u241b]52;c;").contains("\u240d").endsWith("txt.exe\n");
  }

  private static String text(SplittableRandom rnd, int max) {
    StringBuilder sb = new StringBuilder();
    for (int n = rnd.nextInt(max + 1); n > 0; n--) {
      sb.append(PIECES[rnd.nextInt(PIECES.length)]);
    }
    return sb.toString();
  }
}
