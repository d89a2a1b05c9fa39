package dev.grove.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One definition of a valid entry (EntryRules): the index-only readers (open, leaves, show), the
 * full readers (tree, context, validate) and the writer agree on every line, case by case from the
 * fuzzing of 61 damaged files.
 */
class ValidEntryTest {
  @TempDir Path dir;

  private static final String HEADER =
      "{\"type\":\"session\",\"version\":1,\"id\":\"s1\",\"createdAt\":\"2026-11-30T00:00:00Z\","
          + "\"cwd\":null}\n";
  private static final String ROOT =
      "{\"type\":\"message\",\"id\":\"aaaaaaaa\",\"parentId\":null,\"ts\":\"2026-11-30T00:00:01Z\","
          + "\"lane\":\"main\",\"role\":\"user\",\"content\":\"hi\"}\n";

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A message line on line 3 whose content field is {@code contentJson} (raw bytes). */
  private static byte[] message(byte[] contentJson) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        bytes(
            "{\"type\":\"message\",\"id\":\"bbbbbbbb\",\"parentId\":\"aaaaaaaa\","
                + "\"ts\":\"2026-11-30T00:00:02Z\",\"lane\":\"main\",\"role\":\"assistant\","
                + "\"content\":"));
    out.writeBytes(contentJson);
    out.writeBytes(bytes("}\n"));
    return out.toByteArray();
  }

  private Path file(byte[]... lines) throws Exception {
    Path f = Files.createTempFile(dir, "s", ".jsonl");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] l : lines) {
      out.writeBytes(l);
    }
    Files.write(f, out.toByteArray());
    return f;
  }

  /** validate and open both refuse the file, for the same line and the same reason. */
  private void everyReaderRefuses(Path f, int line, String reason) {
    ValidationReport report = SessionStore.validate(f);
    assertThat(report.problems()).extracting(Problem::line).containsExactly(line);
    assertThat(report.problems().get(0).message()).contains(reason);
    assertThatThrownBy(() -> SessionStore.open(f).close())
        .isInstanceOfSatisfying(
            SessionException.Corrupt.class,
            c -> assertThat(c.problems()).isEqualTo(report.problems()));
  }

  private static byte[] quoted(int... raw) {
    byte[] b = new byte[raw.length + 2];
    b[0] = '"';
    for (int i = 0; i < raw.length; i++) {
      b[i + 1] = (byte) raw[i];
    }
    b[b.length - 1] = '"';
    return b;
  }

  @Test
  void invalidUtf8InContentIsRefusedByEveryReader() throws Exception {
    everyReaderRefuses(
        file(bytes(HEADER), bytes(ROOT), message(quoted('a', 0xff, 'b'))), 3, "not UTF-8");
  }

  @Test
  void overlongUtf8IsRefused() throws Exception {
    everyReaderRefuses(
        file(bytes(HEADER), bytes(ROOT), message(quoted(0xc0, 0xaf))), 3, "overlong or surrogate");
    everyReaderRefuses(
        file(bytes(HEADER), bytes(ROOT), message(quoted(0xe0, 0x80, 0xaf))), 3, "not UTF-8");
  }

  @Test
  void surrogateUtf8IsRefused() throws Exception {
    everyReaderRefuses(
        file(bytes(HEADER), bytes(ROOT), message(quoted(0xed, 0xa0, 0x80))), 3, "surrogate");
  }

  @Test
  void fourByteUtf8AndEveryOtherWellFormedTextIsKept() throws Exception {
    Path f = file(bytes(HEADER), bytes(ROOT), message(bytes("\"ok \uD83C\uDF33 é 中\"")));
    assertThat(SessionStore.validate(f).valid()).isTrue();
    try (SessionStore s = SessionStore.open(f)) {
      assertThat(((Body.Message) s.entry("bbbbbbbb").body()).content()).isEqualTo("ok 🌳 é 中");
    }
  }

  @Test
  void invalidUtf8InTheHeaderIsRefused() throws Exception {
    byte[] header = bytes(HEADER.replace("\"cwd\":null", "\"cwd\":\"/xy\""));
    header[header.length - 5] = (byte) 0xfe;
    everyReaderRefuses(file(header, bytes(ROOT)), 1, "not UTF-8");
  }

  @Test
  void jsonNestedDeeperThanTheLimitIsRefusedByEveryReader() throws Exception {
    String deep = "[".repeat(1000) + "]".repeat(1000);
    everyReaderRefuses(
        file(
            bytes(HEADER),
            bytes(ROOT),
            bytes(
                new String(message(bytes("\"x\"")), StandardCharsets.UTF_8)
                    .replace("}\n", ",\"extra\":" + deep + "}\n"))),
        3,
        "nested deeper than 500");
  }

  @Test
  void nestingUpToTheLimitIsKept() throws Exception {
    String deep = "[".repeat(EntryRules.MAX_DEPTH - 1) + "]".repeat(EntryRules.MAX_DEPTH - 1);
    Path f =
        file(
            bytes(HEADER),
            bytes(ROOT),
            bytes(
                new String(message(bytes("\"x\"")), StandardCharsets.UTF_8)
                    .replace("}\n", ",\"extra\":" + deep + "}\n")));
    assertThat(SessionStore.validate(f).problems()).isEmpty();
    try (SessionStore s = SessionStore.open(f)) {
      assertThat(s.context("bbbbbbbb")).hasSize(2);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"message\",\"id\":12345678,\"parentId\":\"aaaaaaaa\",\"lane\":\"main\","
            + "\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"bbbbbbbb\",\"parentId\":\"aaaaaaaa\",\"lane\":\"a\\nb\","
            + "\"role\":\"user\",\"content\":\"x\"}",
        "{\"type\":\"message\",\"id\":\"bbbbbbbb\",\"parentId\":\"aaaaaaaa\",\"lane\":\"main\","
            + "\"role\":\"user\",\"content\":42}",
        "{\"type\":\"message\",\"id\":\"bbbbbbbb\",\"parentId\":\"aaaaaaaa\",\"lane\":\"main\","
            + "\"role\":\"user\",\"content\":\"x\",\"isError\":\"yes\"}",
        "{\"type\":\"message\",\"id\":\"bbbbbbbb\",\"parentId\":\"aaaaaaaa\",\"lane\":\"main\","
            + "\"role\":\"user\",\"content\":\"x\",\"n\":01}",
        "{\"type\":\"message\",\"id\":\"bbbbbbbb\",\"parentId\":\"aaaaaaaa\",\"lane\":\"main\","
            + "\"role\":\"user\",\"content\":\"x\",\"n\":{\"a\" 1}}",
        "{\"type\":\"message\",\"id\":\"bbbbbbbb\",\"parentId\":\"aaaaaaaa\",\"lane\":\"main\","
            + "\"role\":\"user\",\"content\":\"bad \\q escape\"}",
        "{\"type\":\"message\",\"id\":\"bbbbbbbb\",\"parentId\":\"aaaaaaaa\",\"lane\":\"main\","
            + "\"role\":\"user\",\"content\":\"raw\ttab\"}",
      })
  void aFieldOfTheWrongKindOrBrokenJsonIsRefusedByEveryReader(String line) throws Exception {
    Path f = file(bytes(HEADER), bytes(ROOT), bytes(line + "\n"));
    ValidationReport report = SessionStore.validate(f);
    assertThat(report.problems()).extracting(Problem::line).containsExactly(3);
    assertThatThrownBy(() -> SessionStore.open(f).close())
        .isInstanceOfSatisfying(
            SessionException.Corrupt.class,
            c -> assertThat(c.problems()).isEqualTo(report.problems()));
  }

  @Test
  void aLineOfNulBytesIsReportedNotSkipped() throws Exception {
    everyReaderRefuses(file(bytes(HEADER), bytes(ROOT), new byte[] {0, 0, 0, 0, '\n'}), 3, "NUL");
  }

  @Test
  void anEscapedFieldNameMeansWhatJsonSaysToEveryReader() throws Exception {
    Path f =
        file(
            bytes(HEADER),
            bytes(ROOT),
            bytes(
                "{\"type\":\"message\",\"\\u0069d\":\"bbbbbbbb\",\"parentId\":\"aaaaaaaa\","
                    + "\"lane\":\"main\",\"role\":\"user\",\"content\":\"x\"}\n"));
    assertThat(SessionStore.validate(f).problems()).isEmpty();
    try (SessionStore s = SessionStore.open(f)) {
      assertThat(s.leaves()).extracting(Node::id).containsExactly("bbbbbbbb");
      assertThat(s.context("bbbbbbbb"))
          .extracting(Entry::id)
          .containsExactly("aaaaaaaa", "bbbbbbbb");
    }
  }

  @Test
  void anAppendAfterDamageIsRefusedBeforeItCanWriteAReplacementCharacter() throws Exception {
    byte[] damagedId =
        bytes(
            "{\"type\":\"message\",\"id\":\"bb\u00ffbbbb\",\"parentId\":\"aaaaaaaa\","
                + "\"lane\":\"main\",\"role\":\"user\",\"content\":\"x\"}\n");
    // \u00ff encodes as C3 BF; make it a lone FF byte
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < damagedId.length; i++) {
      if ((damagedId[i] & 0xff) == 0xc3 && (damagedId[i + 1] & 0xff) == 0xbf) {
        out.write(0xff);
        i++;
      } else {
        out.write(damagedId[i]);
      }
    }
    Path f = file(bytes(HEADER), bytes(ROOT), out.toByteArray());
    long size = Files.size(f);
    assertThatThrownBy(() -> SessionStore.open(f).close())
        .isInstanceOf(SessionException.Corrupt.class)
        .hasMessageContaining("line 3");
    assertThat(Files.size(f)).isEqualTo(size);
  }

  @Test
  void contentLongerThanAnyReaderReadsIsRefusedByTheWriterAndNothingIsWritten() throws Exception {
    Path f = dir.resolve("long.jsonl");
    try (SessionStore s = SessionStore.create(f, null)) {
      s.append(Draft.onLane("main", Body.Message.of(Role.USER, "hi")));
      long size = Files.size(f);
      String tooLong = "x".repeat(EntryRules.MAX_STRING + 1);
      assertThatThrownBy(() -> s.append(Draft.onLane("main", Body.Message.of(Role.USER, tooLong))))
          .isInstanceOf(SessionException.InvalidAppend.class)
          .hasMessageContaining("could not read it back")
          .hasMessageContaining("nothing was written");
      assertThat(Files.size(f)).isEqualTo(size);
      assertThat(s.size()).isEqualTo(1);
    }
    assertThat(SessionStore.validate(f).valid()).isTrue();
  }
}
