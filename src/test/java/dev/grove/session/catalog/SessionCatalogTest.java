package dev.grove.session.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionCatalogTest {
  @TempDir Path dir;

  private Path index() {
    return dir.resolve("home/index/sessions.idx");
  }

  private static Path fixture(String name) {
    try {
      return Path.of(SessionCatalogTest.class.getResource("/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A copy of a fixture in the temp directory (tests change their files). */
  private Path copy(String name) throws IOException {
    Path to = dir.resolve("s").resolve(Path.of(name).getFileName());
    Files.createDirectories(to.getParent());
    return Files.copy(fixture(name), to);
  }

  private static final String GROVE_HEADER =
      "{\"type\":\"session\",\"version\":1,\"id\":\"s\",\"createdAt\":\"2026-11-24T12:00:00Z\"}\n";

  /** A line of grove's format: a root user message (text without characters JSON escapes). */
  private static String groveUserMessage(String id, String text) {
    return "{\"type\":\"message\",\"id\":\""
        + id
        + "\",\"parentId\":null,\"ts\":\"2026-11-24T12:00:01Z\",\"role\":\"user\",\"content\":\""
        + text
        + "\"}\n";
  }

  private static Summary one(SessionCatalog.Listing l) {
    assertThat(l.sessions()).hasSize(1);
    return l.sessions().get(0);
  }

  private Summary list(Path file) {
    return one(SessionCatalog.open(index()).refresh(List.of(file), null));
  }

  @Test
  void readsToolEntriesFirstUserMessageLabelsAndLastActivityOfEachFormat() {
    Summary pi = list(fixture("foreign/pi/v3-all-types.jsonl"));
    assertThat(pi.tool()).isEqualTo(Tool.PI);
    assertThat(pi.entries()).isEqualTo(20);
    assertThat(pi.firstMessage()).isEqualTo("fix the login bug");
    assertThat(pi.labels()).containsExactly("found-it");
    assertThat(pi.lastActivity()).isEqualTo(Instant.parse("2026-11-01T10:01:05Z"));
    assertThat(pi.problems()).isZero();

    Summary v1 = list(fixture("foreign/pi/v1-linear.jsonl"));
    assertThat(v1.tool()).isEqualTo(Tool.PI);
    assertThat(v1.entries()).isEqualTo(6);
    assertThat(v1.firstMessage()).isEqualTo("hello");

    Summary claude = list(fixture("foreign/claude/parallel-tools.jsonl"));
    assertThat(claude.tool()).isEqualTo(Tool.CLAUDE);
    assertThat(claude.entries()).isEqualTo(15);
    assertThat(claude.firstMessage()).isEqualTo("fix the failing login test");
    assertThat(claude.labels()).containsExactly("Fix inverted login check");
    assertThat(claude.lastActivity()).isEqualTo(Instant.parse("2026-11-03T10:00:07.100Z"));

    Summary codex = list(fixture("foreign/codex/rollout-2026-11-06T08-00-00-019a2d7a.jsonl"));
    assertThat(codex.tool()).isEqualTo(Tool.CODEX);
    assertThat(codex.entries()).isEqualTo(16);
    assertThat(codex.firstMessage())
        .as("the environment context Codex sends first is not what the user typed")
        .isEqualTo("fix the failing login test");
    assertThat(codex.lastActivity()).isEqualTo(Instant.parse("2026-11-06T08:11:05Z"));

    Summary grove = list(fixture("sessions/branches.jsonl"));
    assertThat(grove.tool()).isEqualTo(Tool.GROVE);
    assertThat(grove.entries()).isEqualTo(13);
    assertThat(grove.firstMessage()).isEqualTo("Fix the login bug");
    assertThat(grove.labels()).containsExactly("bad-decision");
    assertThat(grove.lastActivity()).isEqualTo(Instant.parse("2026-11-24T12:02:00Z"));
  }

  @Test
  void listsNewestFirstByLastActivity() {
    SessionCatalog.Listing l =
        SessionCatalog.open(index())
            .refresh(
                List.of(
                    fixture("foreign/pi/v1-linear.jsonl"),
                    fixture("sessions/branches.jsonl"),
                    fixture("foreign/claude/parallel-tools.jsonl"),
                    fixture("foreign/codex/rollout-2026-11-06T08-00-00-019a2d7a.jsonl")),
                null);
    assertThat(l.sessions())
        .extracting(Summary::tool)
        .containsExactly(Tool.GROVE, Tool.CODEX, Tool.CLAUDE, Tool.PI);
  }

  @Test
  void damagedLinesAreCountedAsProblemsAndTheRestIsRead() {
    Summary pi = list(fixture("foreign/pi/damaged.jsonl"));
    assertThat(pi.tool()).isEqualTo(Tool.PI);
    assertThat(pi.problems()).isGreaterThanOrEqualTo(1);
    assertThat(pi.notes()).anyMatch(n -> n.startsWith("line 3:"));
    assertThat(pi.firstMessage()).isEqualTo("ok");

    Summary claude = list(fixture("foreign/claude/damaged-first-line.jsonl"));
    assertThat(claude.tool())
        .as("the lines after a damaged first line tell the format")
        .isEqualTo(Tool.CLAUDE);
    assertThat(claude.notes()).anyMatch(n -> n.startsWith("line 1:"));
    assertThat(claude.firstMessage()).isEqualTo("ok");

    Summary codex = list(fixture("foreign/codex/damaged.jsonl"));
    assertThat(codex.tool()).isEqualTo(Tool.CODEX);
    assertThat(codex.notes()).anyMatch(n -> n.startsWith("line 3:"));
  }

  @Test
  void emptyFilesAndUnknownFormatsAreListedWithAProblemNote() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.jsonl"));
    Summary e = list(empty);
    assertThat(e.tool()).isEqualTo(Tool.UNKNOWN);
    assertThat(e.notes()).containsExactly("the file is empty");

    Path other = dir.resolve("other.jsonl");
    Files.writeString(other, "{\"hello\":1}\n{\"hello\":2}\n");
    Summary o = list(other);
    assertThat(o.tool()).isEqualTo(Tool.UNKNOWN);
    assertThat(o.problems()).isEqualTo(1);
    assertThat(o.notes().get(0)).contains("no session header or record grove reads");

    Path binary = dir.resolve("binary.jsonl");
    Files.write(binary, new byte[] {0, 0, 0, '\n', (byte) 0xff, (byte) 0xfe, '\n', 0, '\n'});
    assertThat(list(binary).tool()).isEqualTo(Tool.UNKNOWN);
  }

  @Test
  void aLineLongerThanTheCapIsCountedAndOnlyItsStartRead() throws IOException {
    Path f = dir.resolve("long.jsonl");
    String header =
        "{\"type\":\"session\",\"version\":3,\"id\":\"x\",\"timestamp\":\"2026-11-01T10:00:00Z\"}\n";
    String big =
        "{\"type\":\"message\",\"id\":\"b1\",\"parentId\":null,\"message\":{\"role\":\"user\","
            + "\"content\":\""
            + "y".repeat(5000)
            + "\"}}\n";
    String after =
        "{\"type\":\"message\",\"id\":\"b2\",\"parentId\":\"b1\",\"timestamp\":\"2026-11-01T10:00:02Z\","
            + "\"message\":{\"role\":\"user\",\"content\":\"after the long one\"}}\n";
    Files.writeString(f, header + big + after);
    Summary s = one(SessionCatalog.open(index(), 1024).refresh(List.of(f), null));
    assertThat(s.tool()).isEqualTo(Tool.PI);
    assertThat(s.entries()).isEqualTo(2);
    assertThat(s.notes())
        .containsExactly("line 2 is longer than 1024 bytes: only its start was read");
    assertThat(s.firstMessage()).isEqualTo("after the long one");
  }

  @Test
  void anUnchangedFileIsNotReadAgain() throws IOException {
    Path f = copy("foreign/pi/v3-all-types.jsonl");
    SessionCatalog first = SessionCatalog.open(index());
    SessionCatalog.Listing a = first.refresh(List.of(f), null);
    first.save();
    assertThat(a.reread()).isEqualTo(1);
    assertThat(a.bytesRead()).isEqualTo(Files.size(f));

    // same size and modification time, other bytes: the index answers, so the old text shows
    FileTime mtime = Files.getLastModifiedTime(f);
    String text = Files.readString(f).replace("fix the login bug", "fix the LOGIN BUG");
    Files.writeString(f, text);
    Files.setLastModifiedTime(f, mtime);

    SessionCatalog.Listing b = SessionCatalog.open(index()).refresh(List.of(f), null);
    assertThat(b.reused()).isEqualTo(1);
    assertThat(b.bytesRead()).isZero();
    assertThat(one(b).firstMessage()).isEqualTo("fix the login bug");
  }

  @Test
  void aFileThatGrewIsReadFromWhereTheIndexStoppedAndAgreesWithAFullRead() throws IOException {
    Path source = fixture("foreign/claude/parallel-tools.jsonl");
    List<String> lines = Files.readAllLines(source);
    Path f = dir.resolve("grow.jsonl");
    Files.write(f, lines.subList(0, 1)); // only the file-history snapshot: no message yet
    SessionCatalog c = SessionCatalog.open(index());
    c.refresh(List.of(f), null);
    c.save();
    long before = Files.size(f);
    Files.write(f, lines.subList(1, lines.size()), StandardOpenOption.APPEND);
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));

    SessionCatalog incremental = SessionCatalog.open(index());
    SessionCatalog.Listing grown = incremental.refresh(List.of(f), null);
    assertThat(grown.appended()).isEqualTo(1);
    assertThat(grown.bytesRead()).isEqualTo(Files.size(f) - before);

    Summary full = one(SessionCatalog.fresh(index()).refresh(List.of(f), null));
    assertThat(one(grown)).isEqualTo(full);
    assertThat(full.firstMessage()).isEqualTo("fix the failing login test");
    assertThat(incremental.search(List.of(one(grown)), "inverted").hits()).hasSize(1);
  }

  @Test
  void anIncompleteLastLineIsReadOnceItEnds() throws IOException {
    Path f = dir.resolve("torn.jsonl");
    String header = GROVE_HEADER;
    String entry = groveUserMessage("a1", "half written");
    Files.writeString(f, header + entry.substring(0, 40));
    SessionCatalog c = SessionCatalog.open(index());
    Summary torn = one(c.refresh(List.of(f), null));
    c.save();
    assertThat(torn.entries()).isZero();
    assertThat(torn.notes())
        .containsExactly("its last line is incomplete (not read until it ends)");

    Files.writeString(f, entry.substring(40), StandardOpenOption.APPEND);
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
    SessionCatalog.Listing l = SessionCatalog.open(index()).refresh(List.of(f), null);
    assertThat(l.appended()).isEqualTo(1);
    assertThat(one(l).entries()).isEqualTo(1);
    assertThat(one(l).firstMessage()).isEqualTo("half written");
    assertThat(one(l).problems()).isZero();
  }

  @Test
  void aTruncatedOrRewrittenFileIsReadAgainFromItsStart() throws IOException {
    Path f = copy("sessions/branches.jsonl");
    SessionCatalog c = SessionCatalog.open(index());
    c.refresh(List.of(f), null);
    c.save();

    List<String> lines = Files.readAllLines(f);
    Files.write(f, lines.subList(0, 3)); // truncated
    SessionCatalog.Listing cut = SessionCatalog.open(index()).refresh(List.of(f), null);
    assertThat(cut.reread()).isEqualTo(1);
    assertThat(one(cut).entries()).isEqualTo(2);

    SessionCatalog c2 = SessionCatalog.open(index());
    c2.refresh(List.of(f), null);
    c2.save();
    // rewritten in place and longer: the start changed, so growing is no append
    List<String> other = new java.util.ArrayList<>(lines);
    other.set(2, other.get(2).replace("Fix the login bug", "Fix the LOGOUT bug"));
    Files.write(f, other);
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
    SessionCatalog.Listing rewritten = SessionCatalog.open(index()).refresh(List.of(f), null);
    assertThat(rewritten.reread()).isEqualTo(1);
    assertThat(one(rewritten).firstMessage()).isEqualTo("Fix the LOGOUT bug");
    assertThat(one(rewritten).entries()).isEqualTo(13);
  }

  @Test
  void aDamagedIndexIsDiscardedAndRebuilt() throws IOException {
    Path f = copy("foreign/pi/v3-all-types.jsonl");
    SessionCatalog c = SessionCatalog.open(index());
    c.refresh(List.of(f), null);
    c.save();
    byte[] bytes = Files.readAllBytes(index());
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(index(), bytes);

    SessionCatalog damaged = SessionCatalog.open(index());
    assertThat(damaged.discarded()).contains("checksum");
    SessionCatalog.Listing l = damaged.refresh(List.of(f), null);
    assertThat(l.reread()).isEqualTo(1);
    assertThat(one(l).firstMessage()).isEqualTo("fix the login bug");
    damaged.save();
    assertThat(SessionCatalog.open(index()).discarded()).isNull();

    Files.write(index(), new byte[] {1, 2, 3});
    assertThat(SessionCatalog.open(index()).discarded()).isEqualTo("it is cut short");
    Files.writeString(index(), "x".repeat(100));
    assertThat(SessionCatalog.open(index()).discarded()).isEqualTo("it is no session index");
  }

  @Test
  void searchFindsMessageTextIgnoringCaseAndNotToolCallsOrResults() {
    Path grove = fixture("sessions/branches.jsonl");
    Path pi = fixture("foreign/pi/v3-all-types.jsonl");
    Path codex = fixture("foreign/codex/rollout-2026-11-06T08-00-00-019a2d7a.jsonl");
    SessionCatalog c = SessionCatalog.open(index());
    List<Summary> all = c.refresh(List.of(grove, pi, codex), null).sessions();

    SessionCatalog.Search s = c.search(all, "EDIT ONLY the first");
    assertThat(s.hits()).hasSize(1);
    Hit h = s.hits().get(0);
    assertThat(h.session().file()).isEqualTo(grove);
    assertThat(h.entry()).isEqualTo("a0000009");
    assertThat(h.snippet()).isEqualTo("Hint: edit only the first match.");

    // in tool calls' arguments and tool results only
    assertThat(c.search(all, "edit_file").hits()).isEmpty();
    assertThat(c.search(all, "src/Login.java").hits()).isEmpty();
    assertThat(c.search(all, "BUILD FAILURE").hits()).isEmpty();

    assertThat(c.search(all, "inverted").hits())
        .extracting(Hit::entry)
        .containsExactlyInAnyOrder("a1000002", "codex-00000013");
  }

  @Test
  void searchReadsOnlyTheFilesTheFilterLetsThrough() throws IOException {
    List<Path> files = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Path f = dir.resolve("many/s" + i + ".jsonl");
      Files.createDirectories(f.getParent());
      Files.writeString(
          f,
          GROVE_HEADER
              + groveUserMessage(
                  "m1", "task number " + i + (i == 17 ? ": the zebra crossing" : ": the usual")),
          StandardCharsets.UTF_8);
      files.add(f);
    }
    SessionCatalog c = SessionCatalog.open(index());
    List<Summary> all = c.refresh(files, null).sessions();
    SessionCatalog.Search s = c.search(all, "zebra crossing");
    assertThat(s.hits()).extracting(Hit::entry).containsExactly("m1");
    assertThat(s.hits().get(0).session().file()).isEqualTo(files.get(17));
    assertThat(s.candidates()).isEqualTo(1);
  }

  @Test
  void twoProcessesSavingAtOnceLeaveAWholeIndex() throws Exception {
    Path a = copy("foreign/pi/v3-all-types.jsonl");
    Path b = copy("foreign/claude/parallel-tools.jsonl");
    List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    List<Thread> threads = new java.util.ArrayList<>();
    for (int t = 0; t < 2; t++) {
      List<Path> files = t == 0 ? List.of(a) : List.of(a, b);
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < 20; i++) {
                        SessionCatalog c = SessionCatalog.fresh(index());
                        c.refresh(files, null);
                        c.save();
                      }
                    } catch (IOException | RuntimeException e) {
                      failures.add(e);
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failures).isEmpty();
    SessionCatalog last = SessionCatalog.open(index());
    assertThat(last.discarded()).isNull();
    assertThat(last.indexed()).isBetween(1, 2);
    try (var left = Files.list(index().getParent())) {
      assertThat(left).containsExactly(index());
    }
  }

  @Test
  void hitsNameEntriesAsTheConvertersDo() {
    SessionCatalog c = SessionCatalog.open(index());
    List<Summary> all =
        c.refresh(
                List.of(
                    fixture("foreign/pi/v1-linear.jsonl"),
                    fixture("foreign/claude/compacted.jsonl")),
                null)
            .sessions();
    assertThat(c.search(all, "do x").hits()).extracting(Hit::entry).containsExactly("00000004");
    assertThat(c.search(all, "document it").hits())
        .extracting(Hit::entry)
        .containsExactly("c0ac7005-0000-4000-8000-000000000005");
  }

  @Test
  void aFileThatCannotBeReadIsAWarningAndTheOthersAreListed() throws IOException {
    Path gone = dir.resolve("gone.jsonl");
    Path dirNamedLikeASession = Files.createDirectories(dir.resolve("folder.jsonl"));
    SessionCatalog.Listing l =
        SessionCatalog.open(index())
            .refresh(
                List.of(gone, dirNamedLikeASession, fixture("foreign/pi/v1-linear.jsonl")), null);
    assertThat(l.sessions()).extracting(Summary::tool).containsExactly(Tool.PI);
    assertThat(l.warnings())
        .singleElement()
        .asString()
        .startsWith("cannot read " + gone)
        .endsWith("; skipped");
  }

  @Test
  void damagedCopiesOfEveryFixtureAreListedAndSearchedWithoutFailing() throws IOException {
    long seed = 20261201L;
    System.out.println("damaged copies: seed " + seed);
    java.util.Random rnd = new java.util.Random(seed);
    List<String> names =
        List.of(
            "foreign/pi/v3-all-types.jsonl",
            "foreign/pi/v1-linear.jsonl",
            "foreign/claude/parallel-tools.jsonl",
            "foreign/claude/compacted.jsonl",
            "foreign/codex/rollout-2026-11-06T08-00-00-019a2d7a.jsonl",
            "sessions/branches.jsonl");
    List<Path> files = new java.util.ArrayList<>();
    for (int i = 0; i < 120; i++) {
      byte[] b = Files.readAllBytes(fixture(names.get(i % names.size())));
      switch (i % 4) {
        case 0 -> { // bytes flipped anywhere
          for (int k = 0; k < 1 + rnd.nextInt(8); k++) {
            b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
          }
        }
        case 1 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length)); // cut anywhere
        case 2 -> { // a run of NUL bytes, as a crash can leave
          int at = rnd.nextInt(b.length);
          java.util.Arrays.fill(b, at, Math.min(b.length, at + 1 + rnd.nextInt(200)), (byte) 0);
        }
        default -> { // deep nesting in the middle of a line
          String deep = "[".repeat(2000);
          String t = new String(b, StandardCharsets.UTF_8);
          int at = rnd.nextInt(t.length());
          b = (t.substring(0, at) + deep + t.substring(at)).getBytes(StandardCharsets.UTF_8);
        }
      }
      Path f = dir.resolve("fuzz/f" + i + ".jsonl");
      Files.createDirectories(f.getParent());
      files.add(Files.write(f, b));
    }
    SessionCatalog c = SessionCatalog.open(index(), 4096);
    SessionCatalog.Listing l = c.refresh(files, null);
    assertThat(l.warnings()).isEmpty();
    assertThat(l.sessions()).hasSize(files.size());
    assertThat(c.search(l.sessions(), "login").hits()).isNotEmpty();
    c.save();
    assertThat(SessionCatalog.open(index()).discarded()).isNull();
  }

  @Test
  void filesNoLongerThereAreForgotten() throws IOException {
    Path f = copy("foreign/pi/v1-linear.jsonl");
    SessionCatalog c = SessionCatalog.open(index());
    c.refresh(List.of(f), null);
    c.save();
    assertThat(SessionCatalog.open(index()).indexed()).isEqualTo(1);
    Files.delete(f);
    SessionCatalog d = SessionCatalog.open(index());
    assertThat(d.refresh(List.of(), null).sessions()).isEmpty();
    d.save();
    assertThat(SessionCatalog.open(index()).indexed()).isZero();
  }
}
