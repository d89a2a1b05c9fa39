package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionCliTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  CliRunner cli;

  @BeforeEach
  void setUp() {
    cli = new CliRunner(dir);
  }

  CliRunner.Result ok(String... args) {
    CliRunner.Result r = cli.run(args);
    assertThat(r.exit()).as(r.toString()).isZero();
    return r;
  }

  String id(String... args) {
    return ok(args).out().strip();
  }

  @Test
  void newAppendTreeAndContext() throws Exception {
    String session = id("session", "new", "s.jsonl");
    assertThat(session).matches("[0-9a-f-]{36}");
    String a =
        id(
            "session",
            "append",
            "s.jsonl",
            "--lane",
            "main",
            "--role",
            "user",
            "--content",
            "fix the bug");
    String b =
        id(
            "session",
            "append",
            "s.jsonl",
            "--lane",
            "main",
            "--role",
            "assistant",
            "--content",
            "reading",
            "--tool-calls",
            "[{\"id\":\"c1\",\"name\":\"read_file\",\"arguments\":{\"path\":\"A.java\"}}]");
    String c =
        id(
            "session",
            "append",
            "s.jsonl",
            "--parent",
            a.substring(0, 6),
            "--lane",
            "retry",
            "--role",
            "assistant",
            "--content",
            "another way");
    String tree = ok("session", "tree", "s.jsonl").out();
    assertThat(tree)
        .contains(a + " [main] user: fix the bug")
        .contains(b + " assistant: reading → read_file {\"path\":\"A.java\"}")
        .contains("├─● " + c + " [retry] assistant: another way  ◀ retry");
    String ctx = ok("session", "context", "s.jsonl", "--lane", "main").out();
    assertThat(ctx).contains("── user · " + a).contains("fix the bug").contains("→ read_file");
    JsonNode arr = JSON.readTree(ok("session", "context", "s.jsonl", "--entry", c, "--json").out());
    assertThat(arr).hasSize(2);
    assertThat(arr.get(1).path("content").asText()).isEqualTo("another way");
    assertThat(arr.get(0).path("role").asText()).isEqualTo("user");
  }

  @Test
  void treeJsonListsNodesWithChildren() throws Exception {
    ok("session", "new", "s.jsonl");
    String a =
        id("session", "append", "s.jsonl", "--lane", "main", "--role", "user", "--content", "1");
    String b =
        id(
            "session",
            "append",
            "s.jsonl",
            "--lane",
            "main",
            "--role",
            "assistant",
            "--content",
            "2");
    String c =
        id(
            "session",
            "append",
            "s.jsonl",
            "--parent",
            a,
            "--lane",
            "x",
            "--role",
            "assistant",
            "--content",
            "2'");
    ok("session", "label", "s.jsonl", b, "nice");
    JsonNode tree = JSON.readTree(ok("session", "tree", "s.jsonl", "--json").out());
    assertThat(tree.path("nodes")).hasSize(3);
    JsonNode root = tree.path("nodes").get(0);
    assertThat(root.path("id").asText()).isEqualTo(a);
    assertThat(root.path("parentId").isNull()).isTrue();
    assertThat(root.path("children")).extracting(JsonNode::asText).containsExactly(b, c);
    assertThat(root.path("lane").asText()).isEqualTo("main");
    assertThat(root.path("type").asText()).isEqualTo("message");
    assertThat(root.path("role").asText()).isEqualTo("user");
    assertThat(tree.path("laneHeads").path("x").asText()).isEqualTo(c);
    assertThat(tree.path("labels").path(b).asText()).isEqualTo("nice");
  }

  @Test
  void leavesLabelHeadForkAndValidate() throws Exception {
    ok("session", "new", "s.jsonl");
    String a =
        id("session", "append", "s.jsonl", "--lane", "main", "--role", "user", "--content", "1");
    String b =
        id(
            "session",
            "append",
            "s.jsonl",
            "--lane",
            "main",
            "--role",
            "assistant",
            "--content",
            "2");
    ok("session", "head", "s.jsonl", "--lane", "main", a);
    String c =
        id(
            "session",
            "append",
            "s.jsonl",
            "--lane",
            "main",
            "--role",
            "assistant",
            "--content",
            "2 again");
    assertThat(ok("session", "leaves", "s.jsonl").out()).contains(b).contains(c);
    JsonNode leaves = JSON.readTree(ok("session", "leaves", "s.jsonl", "--json").out());
    assertThat(leaves).extracting(n -> n.path("id").asText()).containsExactly(b, c);
    ok("session", "label", "s.jsonl", c, "good");
    JsonNode fork =
        JSON.readTree(
            ok("session", "fork", "s.jsonl", "--entry", "good", "--out", "f.jsonl", "--json")
                .out());
    assertThat(fork.path("entries").asInt()).isEqualTo(2);
    assertThat(fork.path("forkedFromEntry").asText()).isEqualTo(c);
    assertThat(ok("session", "validate", "f.jsonl").out()).contains("valid (3 entries, 1 lanes)");
    JsonNode v = JSON.readTree(ok("session", "validate", "s.jsonl", "--json").out());
    assertThat(v.path("valid").asBoolean()).isTrue();
    assertThat(v.path("entries").asInt()).isEqualTo(5);
  }

  @Test
  void summariesAndEventsFromTheCommandLine() throws Exception {
    ok("session", "new", "s.jsonl");
    String a =
        id("session", "append", "s.jsonl", "--lane", "main", "--role", "user", "--content", "1");
    String b =
        id(
            "session",
            "append",
            "s.jsonl",
            "--lane",
            "main",
            "--role",
            "assistant",
            "--content",
            "2");
    String e =
        id(
            "session",
            "append",
            "s.jsonl",
            "--lane",
            "main",
            "--type",
            "event",
            "--kind",
            "lane.finished",
            "--data",
            "{\"ok\":true}");
    String s =
        id(
            "session",
            "append",
            "s.jsonl",
            "--lane",
            "main",
            "--type",
            "summary",
            "--kind",
            "compaction",
            "--from",
            a,
            "--to",
            b,
            "--content",
            "short version");
    JsonNode ctx =
        JSON.readTree(ok("session", "context", "s.jsonl", "--lane", "main", "--json").out());
    assertThat(ctx).hasSize(1);
    assertThat(ctx.get(0).path("id").asText()).isEqualTo(s);
    JsonNode shown = JSON.readTree(ok("session", "show", "s.jsonl", e).out());
    assertThat(shown.path("kind").asText()).isEqualTo("lane.finished");
    assertThat(shown.path("data").path("ok").asBoolean()).isTrue();
  }

  @Test
  void badInputGetsAClearErrorAndAnExitCode() throws Exception {
    ok("session", "new", "s.jsonl");
    CliRunner.Result r =
        cli.run("session", "append", "s.jsonl", "--role", "user", "--content", "x");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("give --parent ID or --lane NAME");
    r =
        cli.run(
            "session", "append", "s.jsonl", "--lane", "main", "--role", "robot", "--content", "x");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("not a role: 'robot'");
    r =
        cli.run(
            "session",
            "append",
            "s.jsonl",
            "--lane",
            "main",
            "--role",
            "assistant",
            "--tool-calls",
            "[nope");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--tool-calls is not valid JSON");
    r =
        cli.run(
            "session",
            "append",
            "s.jsonl",
            "--parent",
            "abcdef12",
            "--role",
            "user",
            "--content",
            "x");
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.err()).contains("no entry abcdef12");
    r = cli.run("session", "context", "s.jsonl", "--lane", "nope");
    assertThat(r.exit()).isEqualTo(3);
    r = cli.run("session", "tree", "missing.jsonl");
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.err()).contains("missing.jsonl does not exist");
    r = cli.run("session", "new", "s.jsonl");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("already exists");
    r = cli.run("session", "context", "s.jsonl");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--entry").contains("--lane");
    r = cli.run("session", "nonsense");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Unmatched argument");
  }

  @Test
  void aFifoOrADirectoryIsRefusedAtOnceNotWaitedOn() throws Exception {
    Path fifo = dir.resolve("fifo.jsonl");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mk.waitFor()).isZero();
    for (String[] args :
        List.of(
            new String[] {"session", "tree", fifo.toString()},
            new String[] {"session", "leaves", fifo.toString()},
            new String[] {"session", "validate", fifo.toString()},
            new String[] {"session", "export", fifo.toString(), "--markdown"},
            new String[] {
              "session",
              "append",
              fifo.toString(),
              "--lane",
              "main",
              "--role",
              "user",
              "--content",
              "x"
            },
            new String[] {"session", "tree", dir.toString()})) {
      CliRunner.Result r = cli.run(args);
      assertThat(r.exit()).as(r.toString()).isEqualTo(Exits.IO);
      assertThat(r.err()).containsAnyOf("not a regular file", "Is a directory");
    }
  }

  @Test
  void damagedFilesExitWithCodeFourAndEveryProblem() throws Exception {
    ok("session", "new", "s.jsonl");
    ok("session", "append", "s.jsonl", "--lane", "main", "--role", "user", "--content", "1");
    Files.writeString(
        dir.resolve("s.jsonl"), Files.readString(dir.resolve("s.jsonl")) + "garbage\n{\"broken");
    CliRunner.Result r = cli.run("session", "tree", "s.jsonl");
    assertThat(r.exit()).isEqualTo(4);
    assertThat(r.err()).contains("line 3: malformed entry");
    r = cli.run("session", "validate", "s.jsonl");
    assertThat(r.exit()).isEqualTo(4);
    assertThat(r.out()).contains("1 problem").contains("line 3:");
    assertThat(r.err()).contains("warning").contains("line 4").contains("incomplete");
  }

  @Test
  void everyCommandHasHelp() {
    for (String cmd :
        new String[] {
          "new", "append", "tree", "context", "show", "leaves", "label", "head", "fork", "validate"
        }) {
      CliRunner.Result r = ok("session", cmd, "--help");
      assertThat(r.out()).as(cmd).contains("Usage: grove session " + cmd);
    }
    assertThat(ok("--help").out()).contains("session").contains("demo").contains("Exit codes");
    assertThat(ok("--version").out()).startsWith("grove ");
  }
}
