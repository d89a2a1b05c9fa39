package dev.grove.session.foreign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Telling formats apart from the first line, without a JSON library on the usual lines. */
class FormatTest {
  @TempDir Path tmp;

  @Test
  void headersAreToldApartByTheirTopLevelKeysAlone() {
    assertThat(
            Format.plainHeader(
                "{\"type\":\"session\",\"version\":1,\"id\":\"01a2\",\"createdAt\":\"2026-11-30T23:01:03Z\","
                    + "\"cwd\":\"/tmp/a \\\"timestamp\\\"\"}"))
        .isEqualTo(Format.GROVE);
    assertThat(
            Format.plainHeader(
                "{\"type\":\"session\",\"version\":3,\"id\":\"x\",\"timestamp\":\"2026-01-01T00:00:00Z\","
                    + "\"cwd\":\"/w\"}"))
        .isEqualTo(Format.PI);
    // a timestamp inside a nested object is not the header's
    assertThat(
            Format.plainHeader(
                "{\"type\":\"session\",\"id\":\"x\",\"meta\":{\"timestamp\":1},\"cwd\":\"/w\"}"))
        .isEqualTo(Format.GROVE);
    // not a header: another tool's record, or grove's reader's to judge
    assertThat(Format.plainHeader("{\"type\":\"message\",\"timestamp\":\"t\"}")).isNull();
  }

  @Test
  void unusualLinesAreLeftToTheFullParserWhichDecidesTheSame() throws Exception {
    String escaped = "{\"type\":\"session\",\"\\u0074imestamp\":\"t\",\"id\":\"x\"}";
    assertThat(Format.plainHeader(escaped)).isNull();
    assertThat(Format.detect(Files.writeString(tmp.resolve("e.jsonl"), escaped + "\n")))
        .isEqualTo(Format.PI);
    assertThat(Format.plainHeader("{\"type\":\"session\"")).isNull();
    assertThat(Format.plainHeader("[1,2]")).isNull();
    assertThat(Format.detect(Files.writeString(tmp.resolve("t.jsonl"), "{\"type\":\"sess\n")))
        .isEqualTo(Format.GROVE);
  }
}
