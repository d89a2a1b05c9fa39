package dev.grove.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.adversarial.Hostile.Shop;
import dev.grove.adversarial.Hostile.ToolResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, one agent exhausting what every lane shares: grove's heap and the repository. In grove's
 * own process with a 64 MB heap, the agent makes a 200 MB file and reads line ranges of it, the
 * whole of it and greps it, then changes a 100 MB file three times (each change a checkpoint). The
 * lane ends as the agent ends it, the reads answer within their caps, and the repository grows by
 * less than a megabyte.
 */
class BigFilesRunTest {
  @TempDir Path tmp;

  static long size(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aSmallHeapSurvivesAHugeFileAndRepeatedBigChangesDoNotGrowTheRepository() throws Exception {
    Shop shop = Shop.create(tmp);
    String spec =
        Scripted.spec(
            tmp.resolve("agent.json"),
            Scripted.anyTask()
                .run(
                    "yes 'a line of text for grove to read, thirty-nine' | head -c 200000000 > big.txt && wc -c big.txt")
                .turn(
                    Scripted.call(
                        "read_file",
                        "path",
                        "big.txt",
                        "start_line",
                        "1000000",
                        "end_line",
                        "1000002"))
                .turn(
                    Scripted.call(
                        "read_file", "path", "big.txt", "start_line", "1", "end_line", "4000000"))
                .turn(Scripted.call("read_file", "path", "big.txt"))
                .turn(Scripted.call("grep", "pattern", "no such text"))
                .run("head -c 100000000 /dev/urandom > blob.bin")
                .run("head -c 100000000 /dev/urandom > blob.bin")
                .run("head -c 100000000 /dev/urandom > blob.bin && rm big.txt")
                .write("NOTES.md", "notes\n")
                .finish("Done."));
    long before = size(shop.repo().resolve(".git"));
    ChildGrove.Result r =
        new ChildGrove()
            .jvmOption("-Xmx64m")
            .run(
                shop.repo(),
                Map.of(
                    "PATH",
                    System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                    "GROVE_HOME",
                    shop.groveHome().toString(),
                    "OPENAI_API_KEY",
                    Hostile.OPENAI_KEY),
                List.of("run", "read the big file", "--model", spec, "--no-ship", "--json"));
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode st = Scripted.JSON.readTree(r.outText());
    assertThat(st.at("/lanes/0/state").asText()).as(r.toString()).isEqualTo("finished");
    List<ToolResult> results =
        List.copyOf(
            Hostile.toolResults(Path.of(st.path("file").asText()), "read-the-big-file").values());
    assertThat(results.get(1).content()).contains("a line of text for grove to read, thirty-nine");
    assertThat(results.get(2).content()).contains("cut at 60000 bytes");
    assertThat(results.get(2).content().length()).isLessThan(70_000);
    assertThat(results.get(3).content().length()).isLessThan(300_000);
    assertThat(results.subList(5, 8)).allSatisfy(t -> assertThat(t.content()).contains("blob.bin"));
    assertThat(size(shop.repo().resolve(".git")) - before)
        .as("repository growth in bytes")
        .isLessThan(1 << 20);
  }
}
