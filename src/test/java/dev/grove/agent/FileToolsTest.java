package dev.grove.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file tools against hostile and clumsy arguments, on a real directory. */
class FileToolsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  Path wt;
  Path outside;
  FileTools tools;

  @BeforeEach
  void setUp() throws Exception {
    wt = Files.createDirectories(tmp.resolve("worktree"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "TOP SECRET");
    Files.writeString(wt.resolve("a.txt"), "one\ntwo\nthree\n");
    Files.writeString(wt.resolve(".git"), "gitdir: /somewhere/.git/worktrees/x\n");
    tools = new FileTools(new Workspace(wt));
  }

  static JsonNode args(String json) throws Exception {
    return JSON.readTree(json);
  }

  @Test
  void readsWholeFilesAndLineRanges() throws Exception {
    assertThat(tools.read(args("{\"path\":\"a.txt\"}")))
        .isEqualTo(new ToolResult.Ok("one\ntwo\nthree\n"));
    assertThat(tools.read(args("{\"path\":\"a.txt\",\"start_line\":2,\"end_line\":3}")).text())
        .isEqualTo("[lines 2-3 of 3]\ntwo\nthree\n");
    assertThat(tools.read(args("{\"path\":\"./a.txt\",\"start_line\":\"2\"}")).text())
        .contains("two\nthree");
    assertThat(tools.read(args("{\"path\":\"a.txt\",\"start_line\":9}")))
        .isInstanceOf(ToolResult.Error.class)
        .extracting(ToolResult::text)
        .asString()
        .contains("has 3 lines");
  }

  @Test
  void pathsThatLeaveTheWorktreeAreRefused() throws Exception {
    Files.createSymbolicLink(wt.resolve("link-out"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(wt.resolve("dir-out"), outside);
    for (String path :
        new String[] {
          "../outside/secret.txt",
          "sub/../../outside/secret.txt",
          outside.resolve("secret.txt").toString(),
          "~/secret.txt",
          "link-out",
          "dir-out/secret.txt",
          ".git",
          ".git/config",
          "sub/.git/hooks/pre-commit"
        }) {
      assertThatThrownBy(() -> tools.read(args("{\"path\":" + JSON.writeValueAsString(path) + "}")))
          .as(path)
          .isInstanceOf(Workspace.Refused.class);
      assertThatThrownBy(
              () ->
                  tools.write(
                      args(
                          "{\"path\":"
                              + JSON.writeValueAsString(path)
                              + ",\"content\":\"pwned\"}")))
          .as(path)
          .isInstanceOf(Workspace.Refused.class);
    }
    assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("TOP SECRET");
    assertThat(Files.readString(wt.resolve(".git"))).startsWith("gitdir:");
  }

  @Test
  void refusalsSayWhatToDoInstead() throws Exception {
    assertThatThrownBy(() -> tools.read(args("{\"path\":\"/etc/passwd\"}")))
        .hasMessageContaining("absolute paths are not allowed")
        .hasMessageContaining("relative to the worktree root");
    assertThatThrownBy(() -> tools.read(args("{\"path\":\"../x\"}")))
        .hasMessageContaining("'..' is not allowed");
    assertThatThrownBy(() -> tools.read(args("{\"path\":\".git/HEAD\"}")))
        .hasMessageContaining(".git directory is off limits");
    Files.createSymbolicLink(wt.resolve("sneaky"), outside);
    assertThatThrownBy(() -> tools.read(args("{\"path\":\"sneaky/secret.txt\"}")))
        .hasMessageContaining("leads outside the worktree");
  }

  @Test
  void writingThroughAPlantedSymlinkOrHardLinkIsRefused() throws Exception {
    Files.createSymbolicLink(wt.resolve("inner-link"), wt.resolve("a.txt"));
    assertThatThrownBy(() -> tools.write(args("{\"path\":\"inner-link\",\"content\":\"x\"}")))
        .hasMessageContaining("is a symbolic link");
    Files.createSymbolicLink(wt.resolve("dangling"), outside.resolve("new-file.txt"));
    assertThatThrownBy(() -> tools.write(args("{\"path\":\"dangling\",\"content\":\"x\"}")))
        .isInstanceOf(Workspace.Refused.class);
    assertThat(Files.exists(outside.resolve("new-file.txt"))).isFalse();
    Path shared = outside.resolve("shared.txt");
    Files.writeString(shared, "original");
    Files.createLink(wt.resolve("hard.txt"), shared);
    assertThatThrownBy(() -> tools.write(args("{\"path\":\"hard.txt\",\"content\":\"x\"}")))
        .hasMessageContaining("hard link");
    assertThatThrownBy(
            () -> tools.edit(args("{\"path\":\"hard.txt\",\"old\":\"original\",\"new\":\"x\"}")))
        .hasMessageContaining("hard link");
    assertThat(Files.readString(shared)).isEqualTo("original");
  }

  @Test
  void writeCreatesFilesAndDirectories() throws Exception {
    assertThat(
            tools
                .write(args("{\"path\":\"src/main/App.java\",\"content\":\"class App {}\\n\"}"))
                .text())
        .isEqualTo("created src/main/App.java (13 bytes, 1 lines)");
    assertThat(Files.readString(wt.resolve("src/main/App.java"))).isEqualTo("class App {}\n");
    assertThat(tools.write(args("{\"path\":\"src/main/App.java\",\"content\":\"\"}")).text())
        .startsWith("overwrote");
    assertThatThrownBy(() -> tools.write(args("{\"path\":\"src\",\"content\":\"x\"}")))
        .hasMessageContaining("is a directory");
  }

  @Test
  void editReplacesExactlyOneMatchAndExplainsZeroOrMany() throws Exception {
    Files.writeString(wt.resolve("b.txt"), "x = 1\ny = 2\nx = 1\n");
    ToolResult many = tools.edit(args("{\"path\":\"b.txt\",\"old\":\"x = 1\",\"new\":\"x = 3\"}"));
    assertThat(many).isInstanceOf(ToolResult.Error.class);
    assertThat(many.text()).contains("matches 2 places").contains("lines 1, 3");
    ToolResult none = tools.edit(args("{\"path\":\"b.txt\",\"old\":\"z = 9\",\"new\":\"z = 0\"}"));
    assertThat(none).isInstanceOf(ToolResult.Error.class);
    assertThat(none.text()).contains("not found").contains("exactly");
    assertThat(Files.readString(wt.resolve("b.txt"))).isEqualTo("x = 1\ny = 2\nx = 1\n");
    ToolResult one = tools.edit(args("{\"path\":\"b.txt\",\"old\":\"y = 2\",\"new\":\"y = 5\"}"));
    assertThat(one.text()).isEqualTo("edited b.txt: 1 replacement (line 2)");
    ToolResult all =
        tools.edit(
            args("{\"path\":\"b.txt\",\"old\":\"x = 1\",\"new\":\"x = 3\",\"replace_all\":true}"));
    assertThat(all.text()).contains("2 replacements");
    assertThat(Files.readString(wt.resolve("b.txt"))).isEqualTo("x = 3\ny = 5\nx = 3\n");
  }

  @Test
  void hugeAndBinaryFilesAreCappedOrRefused() throws Exception {
    String line = "0123456789".repeat(10) + "\n";
    Files.writeString(wt.resolve("big.txt"), line.repeat(50_000)); // 5 MB
    ToolResult big = tools.read(args("{\"path\":\"big.txt\"}"));
    assertThat(big).isInstanceOf(ToolResult.Ok.class);
    assertThat(big.text().length()).isLessThan(FileTools.MAX_READ_BYTES + 500);
    assertThat(big.text()).contains("the file is 5050000 bytes").contains("start_line/end_line");
    ToolResult range =
        tools.read(args("{\"path\":\"big.txt\",\"start_line\":49999,\"end_line\":50000}"));
    assertThat(range.text()).startsWith("[lines 49999-50000 of 50000]");
    Files.write(wt.resolve("bin.dat"), new byte[] {1, 2, 0, (byte) 0xff});
    assertThat(tools.read(args("{\"path\":\"bin.dat\"}")))
        .isInstanceOf(ToolResult.Error.class)
        .extracting(ToolResult::text)
        .asString()
        .contains("binary");
    Files.write(wt.resolve("latin1.txt"), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
    assertThat(tools.read(args("{\"path\":\"latin1.txt\"}"))).isInstanceOf(ToolResult.Error.class);
  }

  @Test
  void aTrackedDirectoryReplacedByALinkOutIsNeitherReadNorWritten() throws Exception {
    Files.createDirectories(outside.resolve("src"));
    Files.writeString(outside.resolve("src/Main.java"), "uncommitted work of the main checkout");
    Files.createSymbolicLink(wt.resolve("src"), outside.resolve("src"));
    assertThatThrownBy(() -> tools.read(args("{\"path\":\"src/Main.java\"}")))
        .isInstanceOf(Workspace.Refused.class)
        .hasMessageContaining("leads outside the worktree");
    assertThatThrownBy(
            () -> tools.read(args("{\"path\":\"src/Main.java\",\"start_line\":1,\"end_line\":1}")))
        .isInstanceOf(Workspace.Refused.class);
    assertThatThrownBy(
            () -> tools.write(args("{\"path\":\"src/Main.java\",\"content\":\"pwned\"}")))
        .isInstanceOf(Workspace.Refused.class)
        .hasMessageContaining("src is a symbolic link");
    assertThatThrownBy(() -> tools.write(args("{\"path\":\"src/New.java\",\"content\":\"pwned\"}")))
        .isInstanceOf(Workspace.Refused.class);
    assertThatThrownBy(
            () ->
                tools.edit(args("{\"path\":\"src/Main.java\",\"old\":\"work\",\"new\":\"pwned\"}")))
        .isInstanceOf(Workspace.Refused.class);
    assertThat(Files.readString(outside.resolve("src/Main.java")))
        .isEqualTo("uncommitted work of the main checkout");
    assertThat(outside.resolve("src/New.java")).doesNotExist();
  }

  @Test
  void linksThatStayInsideAreReadButNotWrittenThrough() throws Exception {
    Files.createDirectories(wt.resolve("src"));
    Files.writeString(wt.resolve("src/Main.java"), "class Main {}\n");
    Files.createSymbolicLink(wt.resolve("lib"), Path.of("src"));
    assertThat(tools.read(args("{\"path\":\"lib/Main.java\"}")).text())
        .isEqualTo("class Main {}\n");
    assertThatThrownBy(
            () -> tools.edit(args("{\"path\":\"lib/Main.java\",\"old\":\"Main\",\"new\":\"App\"}")))
        .hasMessageContaining("is a symbolic link")
        .hasMessageContaining("use the real path src/Main.java");
    assertThat(
            tools
                .edit(args("{\"path\":\"src/Main.java\",\"old\":\"Main\",\"new\":\"App\"}"))
                .text())
        .isEqualTo("edited src/Main.java: 1 replacement (line 1)");
  }

  @Test
  void aLineRangeOfAHugeFileIsStreamedInBoundedMemory() throws Exception {
    var threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    Path huge = wt.resolve("huge.log");
    byte[] line =
        "0123456789".repeat(9).concat("abcdefghi\n").getBytes(StandardCharsets.UTF_8); // 100 bytes
    java.nio.ByteBuffer block = java.nio.ByteBuffer.allocateDirect(line.length * 10_000);
    for (int i = 0; i < 10_000; i++) {
      block.put(line);
    }
    try (var out =
        java.nio.channels.FileChannel.open(
            huge,
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
      for (int i = 0; i < 200; i++) { // 200 MB, 2,000,000 lines
        block.flip();
        while (block.hasRemaining()) {
          out.write(block);
        }
      }
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    ToolResult range = tools.read(args("{\"path\":\"huge.log\",\"start_line\":2,\"end_line\":3}"));
    ToolResult whole = tools.read(args("{\"path\":\"huge.log\"}"));
    ToolResult tail = tools.read(args("{\"path\":\"huge.log\",\"start_line\":1999999}"));
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated)
        .as("bytes allocated by three reads of a 200 MB file")
        .isLessThan(10L * 1024 * 1024);
    assertThat(range.text())
        .startsWith(
            "[lines 2-3 of more than 671088 (read_file stopped counting after 67108864 bytes)]\n")
        .endsWith("abcdefghi\n0123456789" + "0123456789".repeat(8) + "abcdefghi\n");
    assertThat(whole.text()).contains("the file is 200000000 bytes");
    assertThat(tail).isInstanceOf(ToolResult.Error.class);
    assertThat(tail.text())
        .contains("past the first 67108864 bytes")
        .contains("sed -n '1999999,2000098p' huge.log");
  }

  @Test
  void aLineRangeIsCutAtTheOutputLimitAndSaysWhereToReadOn() throws Exception {
    String line = "x".repeat(999) + "\n";
    Files.writeString(wt.resolve("wide.txt"), line.repeat(100));
    ToolResult r = tools.read(args("{\"path\":\"wide.txt\",\"start_line\":1,\"end_line\":100}"));
    assertThat(r.text())
        .startsWith("[lines 1-100 of 100]")
        .contains("[… cut at 60000 bytes, in line 61; read on with start_line 61");
    assertThat(r.text().length()).isLessThan(FileTools.MAX_OUTPUT_CHARS + 500);
  }

  @Test
  void aWholeReadCutInsideACharacterIsStillText() throws Exception {
    Files.writeString(
        wt.resolve("accents.txt"),
        "x" + "\u00e9".repeat(FileTools.MAX_READ_BYTES)); // 2 bytes each, cut mid-character
    ToolResult r = tools.read(args("{\"path\":\"accents.txt\"}"));
    assertThat(r).isInstanceOf(ToolResult.Ok.class);
    assertThat(r.text())
        .startsWith("x\u00e9\u00e9")
        .contains("only the first " + FileTools.MAX_READ_BYTES);
  }

  @Test
  void editRefusesAFileLargerThanItsLimitInsteadOfTruncatingIt() throws Exception {
    String big = "y".repeat(FileTools.MAX_WRITE_BYTES) + "tail\n";
    Files.writeString(wt.resolve("big.txt"), big);
    ToolResult r = tools.edit(args("{\"path\":\"big.txt\",\"old\":\"tail\",\"new\":\"end\"}"));
    assertThat(r).isInstanceOf(ToolResult.Error.class);
    assertThat(r.text()).contains("larger than").contains("run_command");
    assertThat(Files.size(wt.resolve("big.txt"))).isEqualTo(big.length());
  }

  @Test
  void badArgumentsAreErrorsForTheModel() throws Exception {
    assertThatThrownBy(() -> tools.read(args("{}")))
        .isInstanceOf(Args.BadArguments.class)
        .hasMessageContaining("missing argument 'path'");
    assertThatThrownBy(() -> tools.read(args("{\"path\":7}")))
        .hasMessageContaining("must be a string");
    assertThatThrownBy(() -> tools.read(args("{\"path\":\"a.txt\",\"start_line\":\"soon\"}")))
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> tools.edit(args("{\"path\":\"a.txt\",\"old\":\"one\"}")))
        .hasMessageContaining("missing argument 'new'");
    assertThatThrownBy(() -> tools.read(args("{\"path\":\"a\\u0000b\"}")))
        .hasMessageContaining("NUL");
    assertThatThrownBy(() -> tools.read(args("{\"path\":\"nope.txt\"}")))
        .hasMessageContaining("no such file or directory: nope.txt");
  }
}
