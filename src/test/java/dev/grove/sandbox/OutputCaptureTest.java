package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {
  static CappedText capture(int cap, byte[] data, int chunk) {
    OutputCapture c = new OutputCapture(cap);
    for (int off = 0; off < data.length; off += chunk) {
      c.write(data, off, Math.min(chunk, data.length - off));
    }
    return c.text();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void outputWithinTheCapIsKeptWhole() {
    CappedText t = capture(10, utf8("0123456789"), 3);
    assertThat(t).isEqualTo(CappedText.of("0123456789"));
    assertThat(t.truncated()).isFalse();
    assertThat(t.text()).isEqualTo("0123456789");
  }

  @Test
  void longerOutputKeepsHeadAndTailAndCountsTheCut() {
    CappedText t = capture(10, utf8("abcdefghijklmnopqrstuvwxyz"), 4);
    assertThat(t.head()).isEqualTo("abcde");
    assertThat(t.tail()).isEqualTo("vwxyz");
    assertThat(t.cutBytes()).isEqualTo(16);
    assertThat(t.text()).isEqualTo("abcde\n[… 16 bytes cut …]\nvwxyz");
  }

  @Test
  void anyWayOfChunkingGivesTheSameResult() {
    SplittableRandom rnd = new SplittableRandom(7);
    byte[] data = new byte[10_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) ('a' + rnd.nextInt(26));
    }
    CappedText whole = capture(1000, data, data.length);
    for (int chunk : new int[] {1, 7, 499, 500, 501, 4096}) {
      assertThat(capture(1000, data, chunk)).as("chunk %d", chunk).isEqualTo(whole);
    }
    assertThat(whole.head()).isEqualTo(new String(data, 0, 500, StandardCharsets.US_ASCII));
    assertThat(whole.tail()).isEqualTo(new String(data, 9500, 500, StandardCharsets.US_ASCII));
  }

  @Test
  void noCharacterIsSplitAtTheCut() {
    // "é" is 2 bytes, "€" 3, "😀" 4: whatever falls on the edges is counted as cut, not mangled
    String text = "aé€😀".repeat(40);
    for (int cap = 2; cap < 60; cap++) {
      CappedText t = capture(cap, utf8(text), 5);
      assertThat(t.head()).as("cap %d", cap).doesNotContain("\uFFFD");
      assertThat(t.tail()).as("cap %d", cap).doesNotContain("\uFFFD");
      assertThat(text).startsWith(t.head()).endsWith(t.tail());
      assertThat(utf8(t.head()).length + utf8(t.tail()).length + t.cutBytes())
          .isEqualTo(utf8(text).length);
    }
  }

  @Test
  void binaryOutputIsReplacedNotFatal() {
    CappedText t = capture(100, new byte[] {'o', 'k', (byte) 0xff, (byte) 0xfe, '\n'}, 2);
    assertThat(t.head()).isEqualTo("ok\uFFFD\uFFFD\n");
  }

  @Test
  void drainingReadsToTheEndEvenFarPastTheCap() throws IOException {
    OutputCapture c = new OutputCapture(8);
    c.drain(new ByteArrayInputStream(new byte[5_000_000]));
    assertThat(c.text().cutBytes()).isEqualTo(5_000_000 - 8);
  }

  @Test
  void aTailWithoutACutIsRejected() {
    assertThatThrownBy(() -> new CappedText("a", 0, "b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OutputCapture(1)).hasMessageContaining("at least 2");
  }
}
