package dev.grove.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchToolsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path wt;
  SearchTools tools;

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(wt.resolve("src/app"));
    Files.writeString(wt.resolve("src/app/Main.java"), "class Main {\n  // TODO fix login\n}\n");
    Files.writeString(wt.resolve("src/app/Util.java"), "class Util { int todo; }\n");
    Files.writeString(wt.resolve("README.md"), "todo: docs\n");
    Files.writeString(wt.resolve("evil.txt"), "a".repeat(40) + "!\n");
    Files.write(wt.resolve("blob.bin"), new byte[] {'T', 'O', 'D', 'O', 0, 1});
    List<String> listed =
        List.of("README.md", "blob.bin", "evil.txt", "src/app/Main.java", "src/app/Util.java");
    tools =
        new SearchTools(
            new Workspace(wt), () -> listed, Clock.systemUTC(), java.time.Duration.ofMillis(300));
  }

  @Test
  void listsFilesByGlobAndDirectory() throws Exception {
    assertThat(tools.list(JSON.readTree("{}")).text())
        .contains("README.md")
        .contains("src/app/Util.java");
    assertThat(tools.list(JSON.readTree("{\"pattern\":\"*.java\"}")).text())
        .isEqualTo("src/app/Main.java\nsrc/app/Util.java");
    assertThat(tools.list(JSON.readTree("{\"path\":\"src\",\"pattern\":\"**/Main*\"}")).text())
        .isEqualTo("src/app/Main.java");
    assertThat(tools.list(JSON.readTree("{\"pattern\":\"*.py\"}")).text())
        .startsWith("no files match");
    assertThatThrownBy(() -> tools.list(JSON.readTree("{\"path\":\"../\"}")))
        .isInstanceOf(Workspace.Refused.class);
  }

  @Test
  void grepFindsLinesWithPathsAndNumbersSkippingBinaries() throws Exception {
    assertThat(tools.grep(JSON.readTree("{\"pattern\":\"TODO\"}")).text())
        .isEqualTo("src/app/Main.java:2:   // TODO fix login");
    assertThat(
            tools
                .grep(
                    JSON.readTree(
                        "{\"pattern\":\"todo\",\"ignore_case\":true,\"glob\":\"*.java\"}"))
                .text())
        .isEqualTo(
            "src/app/Main.java:2:   // TODO fix login\nsrc/app/Util.java:1: class Util { int todo; }");
    assertThat(tools.grep(JSON.readTree("{\"pattern\":\"nothing-here\"}")).text())
        .startsWith("no matches");
    assertThat(tools.grep(JSON.readTree("{\"pattern\":\"(unclosed\"}")))
        .isInstanceOf(ToolResult.Error.class)
        .extracting(ToolResult::text)
        .asString()
        .contains("not a valid regular expression");
  }

  @Test
  void grepAndListSkipAndNameFilesThatALinkLeadsOutside(@TempDir Path mainCheckout)
      throws Exception {
    // git's index still lists src/app/*.java, but the tracked directory is now a link to another
    // checkout
    Files.createDirectories(mainCheckout.resolve("app"));
    Files.writeString(
        mainCheckout.resolve("app/Main.java"), "// TODO uncommitted secret of the main checkout\n");
    Files.writeString(mainCheckout.resolve("app/Util.java"), "// TODO another secret\n");
    try (var walk = Files.walk(wt.resolve("src"))) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    Files.createSymbolicLink(wt.resolve("src"), mainCheckout);
    ToolResult grep = tools.grep(JSON.readTree("{\"pattern\":\"(?i)todo\"}"));
    assertThat(grep.text())
        .doesNotContain("secret")
        .startsWith("README.md:1: todo: docs")
        .endsWith(
            "[skipped 2 paths that lead outside the worktree through a symbolic link: src/app/Main.java, src/app/Util.java]");
    ToolResult list = tools.list(JSON.readTree("{\"pattern\":\"**\"}"));
    assertThat(list.text())
        .isEqualTo(
            "README.md\nblob.bin\nevil.txt\n"
                + "[skipped 2 paths that lead outside the worktree through a symbolic link: src/app/Main.java, src/app/Util.java]");
    assertThatThrownBy(() -> tools.grep(JSON.readTree("{\"pattern\":\"TODO\",\"path\":\"src\"}")))
        .isInstanceOf(Workspace.Refused.class)
        .hasMessageContaining("leads outside the worktree");
  }

  @Test
  void catastrophicBacktrackingIsStoppedNotHung() throws Exception {
    long start = System.nanoTime();
    ToolResult r = tools.grep(JSON.readTree("{\"pattern\":\"(.*a){20}!x\",\"path\":\"evil.txt\"}"));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(r).isInstanceOf(ToolResult.Error.class);
    assertThat(r.text()).contains("catastrophic backtracking");
    assertThat(ms).isLessThan(10_000);
  }
}
