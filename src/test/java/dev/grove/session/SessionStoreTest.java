package dev.grove.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionStoreTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);
  static final SessionStore.Options OPTIONS =
      new SessionStore.Options(Durability.FSYNC, CLOCK, new SplittableRandom(7));

  @TempDir Path dir;
  SessionStore store;

  SessionStore create() {
    store = SessionStore.create(dir.resolve("s.jsonl"), "/repo", OPTIONS);
    return store;
  }

  SessionStore reopen() {
    store.close();
    store = SessionStore.open(dir.resolve("s.jsonl"), OPTIONS);
    return store;
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  static Body.Message user(String text) {
    return Body.Message.of(Role.USER, text);
  }

  static Body.Message assistant(String text) {
    return Body.Message.of(Role.ASSISTANT, text);
  }

  @Test
  void createWritesHeaderAndOpensEmpty() throws Exception {
    SessionStore s = create();
    assertThat(s.size()).isZero();
    assertThat(s.header().version()).isEqualTo(1);
    assertThat(s.header().cwd()).isEqualTo("/repo");
    assertThat(s.header().createdAt()).isEqualTo(Instant.parse("2026-11-24T12:00:00Z"));
    String first = Files.readAllLines(s.file()).get(0);
    assertThat(first)
        .startsWith("{\"type\":\"session\",\"version\":1,\"id\":\"" + s.header().id() + "\"");
    assertThat(s.leaves()).isEmpty();
    assertThat(s.laneHeads()).isEmpty();
  }

  @Test
  void readHeaderReadsOnlyTheFirstLine() throws Exception {
    SessionStore s = create();
    s.append(new Draft(Parent.root(), "main", user("1")));
    assertThat(SessionStore.readHeader(s.file())).isEqualTo(s.header());
    Path junk = dir.resolve("junk.jsonl");
    Files.writeString(junk, "nope\n");
    assertThatThrownBy(() -> SessionStore.readHeader(junk))
        .isInstanceOf(SessionException.Corrupt.class);
  }

  @Test
  void createRefusesAnExistingFile() {
    create();
    assertThatThrownBy(() -> SessionStore.create(dir.resolve("s.jsonl"), "/repo", OPTIONS))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void openingAMissingFileSaysSo() {
    assertThatThrownBy(() -> SessionStore.open(dir.resolve("nope.jsonl")))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("nope.jsonl does not exist");
  }

  @Test
  void laneAppendsChainFromTheLaneHead() {
    SessionStore s = create();
    Entry a = s.append(new Draft(Parent.root(), "main", user("hello")));
    Entry b = s.append(Draft.onLane("main", assistant("hi")));
    Entry c = s.append(Draft.onLane("main", user("again")));
    assertThat(a.parentId()).isNull();
    assertThat(b.parentId()).isEqualTo(a.id());
    assertThat(c.parentId()).isEqualTo(b.id());
    assertThat(s.laneHead("main")).contains(c.id());
    assertThat(a.id()).matches("[0-9a-f]{8}");
    assertThat(a.ts()).isEqualTo(CLOCK.instant());
    assertThat(a.line()).isEqualTo(2);
    assertThat(c.line()).isEqualTo(4);
  }

  @Test
  void firstAppendOnAnEmptyLaneStartsANewRoot() {
    SessionStore s = create();
    s.append(new Draft(Parent.root(), "main", user("one")));
    Entry other = s.append(Draft.onLane("other", user("two")));
    assertThat(other.parentId()).isNull();
    assertThat(s.leaves()).hasSize(2);
  }

  @Test
  void appendBelowAParentJoinsItsLaneUnlessOneIsGiven() {
    SessionStore s = create();
    Entry a = s.append(new Draft(Parent.root(), "main", user("task")));
    Entry b = s.append(Draft.below(a.id(), assistant("sure")));
    Entry c = s.append(new Draft(Parent.of(a.id()), "retry", assistant("another way")));
    assertThat(b.lane()).isEqualTo("main");
    assertThat(c.lane()).isEqualTo("retry");
    assertThat(s.children(a.id())).extracting(Node::id).containsExactly(b.id(), c.id());
    assertThat(s.branchPoints()).extracting(Node::id).containsExactly(a.id());
    assertThat(s.leaves()).extracting(Node::id).containsExactly(b.id(), c.id());
    assertThat(s.laneHeads())
        .containsExactly(java.util.Map.entry("main", b.id()), java.util.Map.entry("retry", c.id()));
  }

  @Test
  void pathRunsFromRootToEntry() {
    SessionStore s = create();
    Entry a = s.append(new Draft(Parent.root(), "main", user("1")));
    Entry b = s.append(Draft.onLane("main", assistant("2")));
    s.append(Draft.onLane("main", user("3")));
    Entry d = s.append(new Draft(Parent.of(b.id()), "side", user("3'")));
    assertThat(s.path(d.id())).extracting(Node::id).containsExactly(a.id(), b.id(), d.id());
    assertThat(s.path(a.id())).extracting(Node::id).containsExactly(a.id());
    Node node = s.node(d.id());
    assertThat(node.parentId()).isEqualTo(b.id());
    assertThat(node.lane()).isEqualTo("side");
    assertThat(node.role()).isEqualTo(Role.USER);
    assertThat(node.type()).isEqualTo("message");
  }

  @Test
  void everyFieldOfAMessageSurvivesTheRoundTrip() {
    SessionStore s = create();
    Entry root = s.append(new Draft(Parent.root(), "main", user("line one\nline \"two\"\ttab ✓")));
    Body.Message full =
        new Body.Message(
            Role.ASSISTANT,
            null,
            List.of(
                new ToolCall("call_1", "edit_file", "{\"path\":\"a.txt\",\"n\":2}"),
                new ToolCall("call_2", "run_command", "not json")),
            null,
            false,
            "openai:gpt-x",
            new Usage(1200, 340, 0.0123),
            null);
    Entry a = s.append(Draft.below(root.id(), full));
    Entry t =
        s.append(
            Draft.below(
                a.id(),
                new Body.Message(
                    Role.TOOL,
                    "boom",
                    List.of(),
                    "call_1",
                    true,
                    null,
                    null,
                    "0123456789abcdef0123456789abcdef01234567")));
    reopen();
    assertThat(store.entry(root.id()).body()).isEqualTo(user("line one\nline \"two\"\ttab ✓"));
    Body.Message read = (Body.Message) store.entry(a.id()).body();
    assertThat(read).isEqualTo(full);
    assertThat(store.entry(t.id()).body()).isEqualTo(t.body());
    assertThat(store.entry(t.id()).line()).isEqualTo(4);
  }

  @Test
  void headEntriesMoveALaneDurably() {
    SessionStore s = create();
    Entry a = s.append(new Draft(Parent.root(), "main", user("1")));
    s.append(Draft.onLane("main", assistant("2")));
    s.append(Draft.moveHead("main", a.id()));
    assertThat(s.laneHead("main")).contains(a.id());
    Entry next = s.append(Draft.onLane("main", assistant("2 again")));
    assertThat(next.parentId()).isEqualTo(a.id());
    s.append(Draft.moveHead("main", a.id()));
    reopen();
    assertThat(store.laneHead("main")).contains(a.id());
    assertThat(store.leaves()).hasSize(2); // head entries are not nodes
  }

  @Test
  void labelsSetAndClear() {
    SessionStore s = create();
    Entry a = s.append(new Draft(Parent.root(), "main", user("1")));
    Entry b = s.append(Draft.onLane("main", assistant("2")));
    s.append(Draft.label(a.id(), "start"));
    s.append(Draft.label(b.id(), "good"));
    s.append(Draft.label(a.id(), ""));
    assertThat(s.labels()).containsExactly(java.util.Map.entry(b.id(), "good"));
    reopen();
    assertThat(store.labels()).containsExactly(java.util.Map.entry(b.id(), "good"));
    assertThat(store.resolve("good")).isEqualTo(b.id());
    assertThat(store.laneHead("main")).contains(b.id()); // labels do not move heads
  }

  @Test
  void resolveAcceptsUniquePrefixesAndRejectsAmbiguousOnes() {
    SessionStore s = create();
    Entry a = s.append(new Draft(Parent.root(), "main", user("1")));
    assertThat(s.resolve(a.id().substring(0, 5))).isEqualTo(a.id());
    assertThatThrownBy(() -> s.resolve("zz"))
        .isInstanceOf(SessionException.NoSuchEntry.class)
        .hasMessageContaining("at least 4 characters");
    assertThatThrownBy(() -> s.resolve("ffffffff"))
        .isInstanceOf(SessionException.NoSuchEntry.class)
        .hasMessageContaining("no entry ffffffff");
    for (int i = 0; i < 300; i++) {
      s.append(Draft.onLane("main", user("x" + i)));
    }
    // with 301 ids, some 1-hex-digit prefix must be shared; 4 characters are required anyway
    assertThatThrownBy(() -> s.resolve(a.id().substring(0, 3)))
        .isInstanceOf(SessionException.NoSuchEntry.class);
  }

  @Test
  void invalidAppendsFailClearlyAndWriteNothing() {
    SessionStore s = create();
    Entry a = s.append(new Draft(Parent.root(), "main", user("1")));
    Entry label = s.append(Draft.label(a.id(), "x"));
    assertThatThrownBy(() -> s.append(Draft.below("deadbeef", user("?"))))
        .isInstanceOf(SessionException.InvalidAppend.class)
        .hasMessageContaining("parent deadbeef is not in session file");
    assertThatThrownBy(() -> s.append(Draft.below(label.id(), user("?"))))
        .isInstanceOf(SessionException.InvalidAppend.class)
        .hasMessageContaining("is a label entry");
    assertThatThrownBy(() -> s.append(new Draft(Parent.root(), null, user("?"))))
        .isInstanceOf(SessionException.InvalidAppend.class)
        .hasMessageContaining("needs a lane");
    assertThatThrownBy(() -> s.append(new Draft(Parent.laneHead(), null, user("?"))))
        .isInstanceOf(SessionException.InvalidAppend.class);
    assertThatThrownBy(() -> s.append(Draft.label("deadbeef", "x")))
        .isInstanceOf(SessionException.InvalidAppend.class)
        .hasMessageContaining("label target deadbeef");
    assertThatThrownBy(() -> s.append(new Draft(Parent.of(a.id()), null, new Body.Head(a.id()))))
        .isInstanceOf(SessionException.InvalidAppend.class)
        .hasMessageContaining("needs the lane");
    assertThat(s.size()).isEqualTo(2);
    assertThat(SessionStore.validate(s.file()).valid()).isTrue();
  }

  @Test
  void recordsRejectNonsenseAtConstruction() {
    assertThatThrownBy(
            () ->
                new Body.Message(
                    Role.USER,
                    "x",
                    List.of(new ToolCall("1", "f", "{}")),
                    null,
                    false,
                    null,
                    null,
                    null))
        .hasMessageContaining("only assistant messages carry tool calls");
    assertThatThrownBy(
            () -> new Body.Message(Role.USER, "x", List.of(), "call", false, null, null, null))
        .hasMessageContaining("only tool messages answer a tool call");
    assertThatThrownBy(() -> new Usage(-1, 0, 0)).hasMessageContaining("must not be negative");
    assertThatThrownBy(() -> new Draft(Parent.root(), "two words", user("x")))
        .hasMessageContaining("lane name");
    assertThatThrownBy(() -> Role.parse("robot")).hasMessageContaining("not a role: 'robot'");
    assertThatThrownBy(() -> Body.Message.of(Role.USER, "x").withCheckpoint("not-a-sha"))
        .hasMessageContaining("not a git commit id");
  }

  @Test
  void contextFollowsThePathAndLeavesOutEverythingButMessages() {
    SessionStore s = create();
    Entry sys =
        s.append(new Draft(Parent.root(), "main", Body.Message.of(Role.SYSTEM, "be brief")));
    Entry u = s.append(Draft.onLane("main", user("task")));
    s.append(
        Draft.onLane(
            "main", new Body.Event("agent.started", JsonNodeFactory.instance.objectNode())));
    Entry a1 = s.append(Draft.onLane("main", assistant("plan A")));
    s.append(Draft.label(a1.id(), "first try"));
    Entry a2 = s.append(new Draft(Parent.of(u.id()), "b", assistant("plan B")));
    assertThat(s.context(a1.id())).extracting(Entry::id).containsExactly(sys.id(), u.id(), a1.id());
    assertThat(s.context(a2.id())).extracting(Entry::id).containsExactly(sys.id(), u.id(), a2.id());
    assertThat(s.contextOfLane("b"))
        .extracting(Entry::id)
        .containsExactly(sys.id(), u.id(), a2.id());
    assertThat(s.contextOfLane("nobody")).isEmpty();
    assertThat(s.context(a1.id()))
        .allSatisfy(e -> assertThat(e.body()).isInstanceOf(Body.Message.class));
  }

  @Test
  void compactionSummaryReplacesWhatItCovers() {
    SessionStore s = create();
    Entry sys = s.append(new Draft(Parent.root(), "main", Body.Message.of(Role.SYSTEM, "sys")));
    Entry m1 = s.append(Draft.onLane("main", user("m1")));
    s.append(Draft.onLane("main", assistant("m2")));
    Entry m3 = s.append(Draft.onLane("main", user("m3")));
    Entry m4 = s.append(Draft.onLane("main", assistant("m4")));
    Entry sum =
        s.append(
            Draft.onLane(
                "main",
                new Body.Summary(Body.SummaryKind.COMPACTION, m1.id(), m3.id(), "they talked")));
    Entry m5 = s.append(Draft.onLane("main", user("m5")));
    List<Entry> ctx = s.context(m5.id());
    assertThat(ctx).extracting(Entry::id).containsExactly(sys.id(), sum.id(), m4.id(), m5.id());
    assertThat(((Body.Message) ctx.get(1).body()).content())
        .startsWith("Summary of the conversation so far")
        .endsWith("they talked");
    assertThat(((Body.Message) ctx.get(1).body()).role()).isEqualTo(Role.USER);
    // before the summary, nothing is compacted
    assertThat(s.context(m4.id())).hasSize(5);
  }

  @Test
  void branchSummaryStandsWhereItIs() {
    SessionStore s = create();
    Entry u = s.append(new Draft(Parent.root(), "main", user("task")));
    Entry bad1 = s.append(Draft.onLane("main", assistant("bad idea")));
    Entry bad2 = s.append(Draft.onLane("main", user("it failed")));
    Entry sum =
        s.append(
            new Draft(
                Parent.of(u.id()),
                "retry",
                new Body.Summary(
                    Body.SummaryKind.BRANCH, bad1.id(), bad2.id(), "the bad idea failed")));
    Entry next = s.append(Draft.onLane("retry", assistant("better idea")));
    assertThat(s.context(next.id()))
        .extracting(Entry::id)
        .containsExactly(u.id(), sum.id(), next.id());
    assertThat(((Body.Message) s.context(next.id()).get(1).body()).content())
        .contains("abandoned")
        .endsWith("the bad idea failed");
  }

  @Test
  void contextRootCutsTheInheritedConversation() {
    SessionStore s = create();
    s.append(new Draft(Parent.root(), "main", Body.Message.of(Role.SYSTEM, "you orchestrate")));
    Entry spawn = s.append(Draft.onLane("main", new Body.Event("spawn", null)));
    Entry sub =
        s.append(
            new Draft(
                Parent.of(spawn.id()),
                "fix-login",
                Body.Message.of(Role.SYSTEM, "you code"),
                true));
    Entry task = s.append(Draft.onLane("fix-login", user("fix it")));
    assertThat(s.context(task.id())).extracting(Entry::id).containsExactly(sub.id(), task.id());
    assertThat(s.path(task.id())).hasSize(4); // the tree still links back to the orchestrator
    reopen();
    assertThat(store.context(task.id())).extracting(Entry::id).containsExactly(sub.id(), task.id());
  }

  @Test
  void forkCopiesThePathVerbatimAndRecordsLineage() throws Exception {
    SessionStore s = create();
    Entry a = s.append(new Draft(Parent.root(), "main", user("1")));
    Entry b = s.append(Draft.onLane("main", assistant("2")));
    s.append(Draft.onLane("main", user("3 (not copied)")));
    s.append(new Draft(Parent.of(a.id()), "side", user("side (not copied)")));
    s.append(Draft.label(b.id(), "keep"));
    Path out = dir.resolve("forked.jsonl");
    SessionHeader h = s.fork(b.id(), out);
    assertThat(h.forkedFrom().session()).isEqualTo(s.header().id());
    assertThat(h.forkedFrom().entry()).isEqualTo(b.id());
    assertThat(h.id()).isNotEqualTo(s.header().id());
    List<String> original = Files.readAllLines(s.file());
    List<String> copy = Files.readAllLines(out);
    assertThat(copy.get(1)).isEqualTo(original.get(1));
    assertThat(copy.get(2)).isEqualTo(original.get(2));
    try (SessionStore f = SessionStore.open(out)) {
      assertThat(f.header().forkedFrom()).isEqualTo(h.forkedFrom());
      assertThat(f.leaves()).extracting(Node::id).containsExactly(b.id());
      assertThat(f.labels()).containsEntry(b.id(), "keep");
      assertThat(f.context(b.id())).extracting(Entry::id).containsExactly(a.id(), b.id());
    }
    assertThatThrownBy(() -> s.fork(b.id(), out)).hasMessageContaining("already exists");
  }

  @Test
  void unknownTypesAndFieldsAreKeptOnForkAndIgnoredByContext() throws Exception {
    Path f = dir.resolve("newer.jsonl");
    Files.writeString(
        f,
        String.join(
            "\n",
            "{\"type\":\"session\",\"version\":2,\"id\":\"s1\",\"createdAt\":\"2026-01-01T00:00:00Z\",\"cwd\":\"/x\",\"futureField\":1}",
            "{\"type\":\"message\",\"id\":\"00000001\",\"parentId\":null,\"lane\":\"main\",\"role\":\"user\",\"content\":\"hi\",\"mood\":\"happy\"}",
            "{\"type\":\"thought\",\"id\":\"00000002\",\"parentId\":\"00000001\",\"lane\":\"main\",\"text\":\"hmm\"}",
            "{\"type\":\"message\",\"id\":\"00000003\",\"parentId\":\"00000002\",\"lane\":\"main\",\"role\":\"developer\",\"content\":\"new role\"}",
            "{\"type\":\"message\",\"id\":\"00000004\",\"parentId\":\"00000003\",\"lane\":\"main\",\"role\":\"assistant\",\"content\":\"ok\"}",
            ""));
    try (SessionStore s = SessionStore.open(f)) {
      assertThat(s.warnings()).anySatisfy(w -> assertThat(w).contains("format version 2"));
      assertThat(s.context("00000004"))
          .extracting(Entry::id)
          .containsExactly("00000001", "00000004");
      assertThat(s.node("00000002").type()).isEqualTo("thought");
      assertThat(s.entry("00000002").body()).isInstanceOf(Body.Unknown.class);
      Path out = dir.resolve("copy.jsonl");
      s.fork("00000004", out);
      List<String> lines = Files.readAllLines(out);
      assertThat(lines.get(1)).contains("\"mood\":\"happy\"");
      assertThat(lines.get(2)).contains("\"type\":\"thought\"").contains("\"text\":\"hmm\"");
      assertThat(lines.get(3)).contains("\"role\":\"developer\"");
    }
  }

  @Test
  void appendsAreVisibleToAnotherStoreAfterRefresh() {
    SessionStore s = create();
    Entry a = s.append(new Draft(Parent.root(), "main", user("1")));
    try (SessionStore other = SessionStore.open(s.file(), OPTIONS)) {
      Entry b = s.append(Draft.onLane("main", assistant("2")));
      assertThat(other.contains(b.id())).isFalse();
      other.refresh();
      assertThat(other.contains(b.id())).isTrue();
      // the other store's appends resolve the lane head against the whole file
      Entry c = other.append(Draft.onLane("main", user("3")));
      assertThat(c.parentId()).isEqualTo(b.id());
      assertThat(other.path(c.id())).extracting(Node::id).containsExactly(a.id(), b.id(), c.id());
    }
  }

  @Test
  void aLineAnotherWriterIsHalfwayThroughIsPickedUpByTheRefreshAfterItEnds() throws Exception {
    SessionStore s = create();
    Entry a = s.append(new Draft(Parent.root(), "main", user("1")));
    s.refresh(); // nothing new: the store's own appends are indexed already
    assertThat(s.size()).isEqualTo(1);
    byte[] line =
        (new Entry("00abcdef", a.id(), CLOCK.instant(), "main", false, user("2"), 0).toJson()
                + "\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (var out =
        java.nio.channels.FileChannel.open(s.file(), java.nio.file.StandardOpenOption.APPEND)) {
      out.write(java.nio.ByteBuffer.wrap(line, 0, 20)); // another process, halfway
      s.refresh();
      assertThat(s.contains("00abcdef")).isFalse();
      out.write(java.nio.ByteBuffer.wrap(line, 20, line.length - 20));
    }
    s.refresh();
    assertThat(s.contains("00abcdef")).isTrue();
    assertThat(s.laneHead("main")).contains("00abcdef");
  }

  @Test
  void readingNeverCreatesTheLockFile() throws Exception {
    SessionStore s = create();
    s.append(new Draft(Parent.root(), "main", user("1")));
    s.close();
    Files.delete(SessionStore.lockFile(s.file()));
    try (SessionStore r = SessionStore.open(s.file(), OPTIONS)) {
      assertThat(r.context(r.laneHead("main").orElseThrow())).hasSize(1);
      r.leaves();
      TreeDrawing.draw(r, new TreeDrawing.Options(null, false, true, 80), line -> {});
    }
    assertThat(Files.exists(SessionStore.lockFile(s.file()))).isFalse();
  }

  @Test
  void closedStoreRefusesAppends() {
    SessionStore s = create();
    s.close();
    assertThatThrownBy(() -> s.append(new Draft(Parent.root(), "main", user("late"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void concurrentAppendersShareFsyncs() throws Exception {
    SessionStore s = create();
    int threads = 16;
    int each = 50;
    List<Thread> ts = new java.util.ArrayList<>();
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    for (int t = 0; t < threads; t++) {
      String lane = "lane-" + t;
      ts.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    for (int i = 0; i < each; i++) {
                      s.append(Draft.onLane(lane, user("m" + i)));
                    }
                  }));
    }
    go.countDown();
    for (Thread t : ts) {
      t.join();
    }
    assertThat(s.size()).isEqualTo(threads * each);
    assertThat(s.batchesWritten()).isLessThan(threads * each);
    for (int t = 0; t < threads; t++) {
      assertThat(s.path(s.laneHead("lane-" + t).orElseThrow())).hasSize(each);
    }
    assertThat(SessionStore.validate(s.file()).problems()).isEmpty();
  }

  @Test
  void anInterruptedAppenderDoesNotBreakTheStoreForOthers() throws Exception {
    SessionStore s = create();
    Entry root = s.append(new Draft(Parent.root(), "main", user("root")));
    Thread.currentThread().interrupt();
    try {
      Entry e = s.append(Draft.onLane("main", user("while interrupted")));
      assertThat(e.parentId()).isEqualTo(root.id());
      assertThat(s.context(e.id()))
          .extracting(x -> ((Body.Message) x.body()).content())
          .containsExactly("root", "while interrupted"); // reads while interrupted
    } finally {
      assertThat(Thread.interrupted()).isTrue(); // the interrupt is kept for the caller
    }
    assertThat(s.append(Draft.onLane("main", user("after"))).line()).isEqualTo(4);
    assertThat(s.context(s.laneHead("main").orElseThrow()))
        .extracting(x -> ((Body.Message) x.body()).content())
        .containsExactly("root", "while interrupted", "after");
  }

  @Test
  void readersInterruptedMidReadDoNotBreakOtherReaders() throws Exception {
    SessionStore s = create();
    s.append(new Draft(Parent.root(), "main", user("root")));
    for (int i = 0; i < 2000; i++) {
      s.append(Draft.onLane("main", user("entry " + i + " " + "x".repeat(200))));
    }
    String head = s.laneHead("main").orElseThrow();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    List<Thread> readers = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      readers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      for (int round = 0; round < 20; round++) {
                        assertThat(s.context(head).get(2000)).extracting(Entry::id).isEqualTo(head);
                        s.context(head).forEach(Entry::body);
                      }
                    } catch (Throwable e) {
                      failure.compareAndSet(null, e);
                    }
                  }));
    }
    for (int k = 0; k < 50; k++) {
      readers.forEach(Thread::interrupt);
      Thread.sleep(2);
    }
    for (Thread t : readers) {
      t.join();
    }
    assertThat(failure.get()).isNull();
  }
}
