package dev.grove.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What happens to files damaged by crashes, other tools, or hands: clear errors, safe repairs. */
class RecoveryTest {
  @TempDir Path dir;

  static final String HEADER =
      "{\"type\":\"session\",\"version\":1,\"id\":\"s\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"cwd\":\"/x\"}";

  static String msg(String id, String parent, String text) {
    return "{\"type\":\"message\",\"id\":\""
        + id
        + "\",\"parentId\":"
        + (parent == null ? "null" : "\"" + parent + "\"")
        + ",\"ts\":\"2026-01-01T00:00:01Z\",\"lane\":\"main\",\"role\":\"user\",\"content\":\""
        + text
        + "\"}";
  }

  Path file(String... lines) throws Exception {
    Path f = dir.resolve("s.jsonl");
    Files.writeString(f, String.join("\n", lines));
    return f;
  }

  @Test
  void tornLastLineIsSkippedByReadersWithAWarning() throws Exception {
    Path f =
        file(
            HEADER,
            msg("00000001", null, "one"),
            msg("00000002", "00000001", "two"),
            "{\"type\":\"message\",\"id\":\"00000003\",\"parentId\":\"00000002\",\"lane\":\"main\",\"role\":\"user\",\"content\":\"thr");
    try (SessionStore s = SessionStore.open(f)) {
      assertThat(s.size()).isEqualTo(2);
      assertThat(s.warnings())
          .singleElement()
          .asString()
          .contains("line 4")
          .contains("incomplete")
          .contains("s.jsonl.torn");
    }
    assertThat(Files.readString(f)).endsWith("\"content\":\"thr"); // a reader never writes
  }

  @Test
  void tornLastLineIsRepairedNotLost() throws Exception {
    String torn =
        "{\"type\":\"message\",\"id\":\"00000003\",\"parentId\":\"00000002\",\"lane\":\"main\",\"role\":\"user\",\"content\":\"thr";
    Path f = file(HEADER, msg("00000001", null, "one"), msg("00000002", "00000001", "two"), torn);
    try (SessionStore s = SessionStore.open(f)) {
      Entry e = s.append(Draft.onLane("main", Body.Message.of(Role.ASSISTANT, "after the crash")));
      assertThat(e.parentId()).isEqualTo("00000002");
      assertThat(e.line()).isEqualTo(4);
      assertThat(s.warnings()).anySatisfy(w -> assertThat(w).contains("moved to s.jsonl.torn"));
    }
    String sidecar = Files.readString(dir.resolve("s.jsonl.torn"));
    assertThat(sidecar).contains(torn).contains("line 4");
    List<String> lines = Files.readAllLines(f);
    assertThat(lines).hasSize(4);
    assertThat(lines.get(2)).isEqualTo(msg("00000002", "00000001", "two"));
    assertThat(SessionStore.validate(f).valid()).isTrue();
  }

  @Test
  void aCompleteLastEntryWithoutNewlineIsKept() throws Exception {
    Path f = file(HEADER, msg("00000001", null, "one"), msg("00000002", "00000001", "two"));
    try (SessionStore s = SessionStore.open(f)) {
      assertThat(s.size()).isEqualTo(1);
      Entry e = s.append(Draft.onLane("main", Body.Message.of(Role.ASSISTANT, "three")));
      assertThat(e.parentId()).isEqualTo("00000002");
      assertThat(s.size()).isEqualTo(3);
    }
    assertThat(Files.exists(dir.resolve("s.jsonl.torn"))).isFalse();
    assertThat(Files.readAllLines(f)).hasSize(4);
  }

  @Test
  void zeroFilledTailFromACrashIsTreatedAsTorn() throws Exception {
    Path f = file(HEADER, msg("00000001", null, "one"), "");
    Files.write(f, new byte[64], StandardOpenOption.APPEND);
    try (SessionStore s = SessionStore.open(f)) {
      s.append(Draft.onLane("main", Body.Message.of(Role.ASSISTANT, "two")));
    }
    assertThat(SessionStore.validate(f).valid()).isTrue();
    assertThat(Files.readAllLines(f)).hasSize(3);
  }

  @Test
  void malformedLineInTheMiddleIsAnErrorNamingFileAndLine() throws Exception {
    Path f =
        file(
            HEADER,
            msg("00000001", null, "one"),
            "{\"type\":\"message\",\"id\":",
            msg("00000002", "00000001", "two"),
            "");
    assertThatThrownBy(() -> SessionStore.open(f))
        .isInstanceOf(SessionException.Corrupt.class)
        .hasMessageContaining("s.jsonl line 3: malformed entry");
    assertThat(Files.readAllLines(f)).hasSize(4); // never rewritten
  }

  @Test
  void duplicateIdIsAnError() throws Exception {
    Path f = file(HEADER, msg("00000001", null, "one"), msg("00000001", null, "again"), "");
    assertThatThrownBy(() -> SessionStore.open(f))
        .hasMessageContaining("line 3: duplicate id 00000001 (first used on line 2)");
  }

  @Test
  void missingParentIsAnError() throws Exception {
    Path f = file(HEADER, msg("00000001", null, "one"), msg("00000002", "0000ffff", "orphan"), "");
    assertThatThrownBy(() -> SessionStore.open(f))
        .hasMessageContaining(
            "line 3: parentId 0000ffff of entry 00000002 is not in the file (was it truncated?)");
  }

  @Test
  void parentDefinedLaterIsAnError() throws Exception {
    Path f =
        file(
            HEADER,
            msg("00000002", "00000001", "child first"),
            msg("00000001", null, "parent"),
            "");
    assertThatThrownBy(() -> SessionStore.open(f))
        .hasMessageContaining(
            "line 2: parentId 00000001 of entry 00000002 is defined later, on line 3");
  }

  @Test
  void cycleOfParentsIsAnErrorNotAnInfiniteLoop() throws Exception {
    Path f =
        file(
            HEADER,
            msg("0000000a", "0000000c", "a"),
            msg("0000000b", "0000000a", "b"),
            msg("0000000c", "0000000b", "c"),
            msg("0000000d", null, "fine"),
            "");
    assertThatThrownBy(() -> SessionStore.open(f))
        .hasMessageContaining("cycle of parents: 0000000a → 0000000c → 0000000b → 0000000a");
  }

  @Test
  void unreadableHeadersAreClearErrors() throws Exception {
    Path empty = dir.resolve("empty.jsonl");
    Files.writeString(empty, "");
    assertThatThrownBy(() -> SessionStore.open(empty))
        .hasMessageContaining("empty.jsonl line 1: the file is empty");
    Path notJson = dir.resolve("garbage.jsonl");
    Files.writeString(notJson, "hello world\n");
    assertThatThrownBy(() -> SessionStore.open(notJson))
        .hasMessageContaining("line 1: the header is not valid JSON");
    Path notSession = dir.resolve("other.jsonl");
    Files.writeString(notSession, msg("00000001", null, "x") + "\n");
    assertThatThrownBy(() -> SessionStore.open(notSession))
        .hasMessageContaining("is this a session file?");
    Path cut = dir.resolve("cut.jsonl");
    Files.writeString(cut, "{\"type\":\"session\",\"vers");
    assertThatThrownBy(() -> SessionStore.open(cut))
        .hasMessageContaining("the header line is incomplete");
    Path noVersion = dir.resolve("nov.jsonl");
    Files.writeString(noVersion, "{\"type\":\"session\",\"id\":\"x\"}\n");
    assertThatThrownBy(() -> SessionStore.open(noVersion)).hasMessageContaining("no valid version");
  }

  @Test
  void validateReportsEveryProblemAtOnce() throws Exception {
    Path f =
        file(
            HEADER,
            msg("00000001", null, "ok"),
            "not json at all",
            msg("00000001", null, "dup"),
            msg("00000003", "deadbeef", "orphan"),
            "{\"type\":\"message\",\"id\":\"00000004\",\"parentId\":null,\"lane\":\"main\",\"content\":\"no role\"}",
            "{\"type\":\"label\",\"id\":\"00000005\",\"parentId\":\"00000009\",\"lane\":\"main\",\"targetId\":\"00000009\",\"label\":\"x\"}",
            "{\"type\":\"message\",\"id\":\"00000006\",\"parentId\":null,\"lane\":\"main\",\"role\":\"user\",\"content\":\"bad \\q escape\"}",
            "{\"type\":\"summary\",\"id\":\"00000007\",\"parentId\":\"00000001\",\"lane\":\"main\",\"kind\":\"branch\",\"fromId\":\"0000abcd\",\"toId\":\"00000001\",\"summary\":\"s\"}",
            "{\"type\":\"message\",\"id\":\"00000008\",\"parentId\":null,\"lane\":\"main\",\"role\":\"user\",\"content\":\"torn");
    ValidationReport r = SessionStore.validate(f);
    assertThat(r.valid()).isFalse();
    assertThat(r.problems()).extracting(Problem::line).containsExactly(3, 4, 6, 7, 8, 9, 5);
    assertThat(r.problems())
        .extracting(Problem::message)
        .satisfiesExactly(
            m -> assertThat(m).startsWith("malformed entry: not a JSON object"),
            m -> assertThat(m).startsWith("duplicate id 00000001"),
            m -> assertThat(m).contains("has no role"),
            m -> assertThat(m).contains("names entry 00000009, which is not before it"),
            m -> assertThat(m).contains("a bad escape in a string"),
            m -> assertThat(m).contains("covers entry 0000abcd"),
            m -> assertThat(m).contains("parentId deadbeef of entry 00000003 is not in the file"));
    assertThat(r.warnings()).singleElement().asString().contains("line 10").contains("incomplete");
  }

  @Test
  void validFileValidatesClean() throws Exception {
    Path f = file(HEADER, msg("00000001", null, "one"), msg("00000002", "00000001", "two"), "");
    ValidationReport r = SessionStore.validate(f);
    assertThat(r.valid()).isTrue();
    assertThat(r.entries()).isEqualTo(2);
    assertThat(r.lanes()).isEqualTo(1);
    assertThat(r.header().id()).isEqualTo("s");
  }

  @Test
  void blankLinesAndForeignIdsAreTolerated() throws Exception {
    Path f =
        file(
            HEADER,
            "",
            msg("first-entry", null, "one"),
            "   ",
            msg("second", "first-entry", "two"),
            "");
    try (SessionStore s = SessionStore.open(f)) {
      assertThat(s.path("second")).extracting(Node::id).containsExactly("first-entry", "second");
      assertThat(s.node("second").line()).isEqualTo(5);
      Entry e = s.append(Draft.below("second", Body.Message.of(Role.ASSISTANT, "three")));
      assertThat(s.context(e.id())).hasSize(3);
    }
  }

  @Test
  void escapedIdsAndOddFieldOrderTakeTheSlowPathCorrectly() throws Exception {
    Path f =
        file(
            HEADER,
            "{\"content\":\"x\",\"role\":\"user\",\"lane\":\"ma\\u0069n\",\"parentId\":null,\"id\":\"a\\/b\",\"type\":\"message\"}",
            "{\"lane\":\"main\",\"id\":\"00000002\",\"type\":\"message\",\"role\":\"assistant\",\"parentId\":\"a/b\",\"content\":\"y\"}",
            "");
    try (SessionStore s = SessionStore.open(f)) {
      assertThat(s.laneHeads()).containsEntry("main", "00000002");
      assertThat(s.context("00000002")).extracting(Entry::id).containsExactly("a/b", "00000002");
    }
  }

  @Test
  void aFileShrunkByAnotherToolStopsWritesInsteadOfCorruptingThem() throws Exception {
    Path f = file(HEADER, msg("00000001", null, "one"), msg("00000002", "00000001", "two"), "");
    try (SessionStore s = SessionStore.open(f)) {
      byte[] all = Files.readAllBytes(f);
      Files.write(f, java.util.Arrays.copyOf(all, HEADER.length() + 1));
      assertThatThrownBy(() -> s.append(Draft.onLane("main", Body.Message.of(Role.USER, "x"))))
          .hasMessageContaining("shrank");
    }
  }

  @Test
  void nonUtf8BytesAreAProblemNotACrash() throws Exception {
    Path f = dir.resolve("bin.jsonl");
    byte[] head = (HEADER + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] bad =
        "{\"type\":\"message\",\"id\":\"00000001\",\"parentId\":null,\"lane\":\"main\",\"role\":\"user\",\"content\":\"\u00ff\"}\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    Files.write(f, head);
    Files.write(f, bad, StandardOpenOption.APPEND);
    ValidationReport r = SessionStore.validate(f);
    assertThat(r.problems()).singleElement().extracting(Problem::line).isEqualTo(2);
  }
}
