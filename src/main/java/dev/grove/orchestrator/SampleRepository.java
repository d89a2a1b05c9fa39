package dev.grove.orchestrator;

import dev.grove.git.Git;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * grove's demo repository, {@code shop}: a tiny pricing library whose tests fail for three reasons,
 * one per demo task, with a bare repository beside it as its {@code origin}. Built from resources,
 * so it works offline and the same everywhere.
 */
public final class SampleRepository {
  private static final String ROOT = "/dev/grove/demo/";
  private static final List<String> FILES =
      List.of(
          "README.md",
          "run-tests.sh",
          "src/Pricing.java",
          "test/TestRunner.java",
          "test/DiscountTest.java",
          "test/TaxTest.java",
          "test/RoundingTest.java");

  /** The demo's tasks: each with the test command that must pass before its work ships. */
  public static final List<Task> TASKS =
      List.of(
          new Task(
              "fix-discount",
              "Fix Pricing.discount: it should return the price after the discount, so that DiscountTest passes.",
              "sh run-tests.sh DiscountTest"),
          new Task(
              "add-tax",
              "Implement Pricing.withTax (the price plus tax at the given rate) so that TaxTest passes.",
              "sh run-tests.sh TaxTest"),
          new Task(
              "fix-rounding",
              "Make Pricing.round round amounts half up to whole cents, so that RoundingTest passes.",
              "sh run-tests.sh RoundingTest"));

  private SampleRepository() {}

  /** Where it was made: the repository, and the bare repository that is its origin. */
  public record Made(Path repo, Path remote) {}

  /** Creates {@code dir/shop} (one commit on {@code main}) and {@code dir/shop-origin.git}. */
  public static Made create(Path dir, Git git) {
    Path repo = dir.resolve("shop");
    Path remote = dir.resolve("shop-origin.git");
    try {
      for (String f : FILES) {
        Path target = repo.resolve(f);
        Files.createDirectories(target.getParent());
        try (InputStream in = SampleRepository.class.getResourceAsStream(ROOT + "shop/" + f)) {
          if (in == null) {
            throw new IllegalStateException("demo resource missing from the jar: shop/" + f);
          }
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      repo.resolve("run-tests.sh").toFile().setExecutable(true);
      Files.writeString(repo.resolve(".gitignore"), "build/\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the sample repository in " + dir, e);
    }
    Map<String, String> who =
        Map.of(
            "GIT_AUTHOR_NAME",
            "Ada",
            "GIT_AUTHOR_EMAIL",
            "ada@example.com",
            "GIT_COMMITTER_NAME",
            "Ada",
            "GIT_COMMITTER_EMAIL",
            "ada@example.com");
    git.run(repo, List.of("init", "-q", "-b", "main"));
    git.run(repo, List.of("add", "-A"));
    git.run(repo, List.of("commit", "-q", "-m", "shop: pricing with failing tests"), who);
    git.run(dir, List.of("init", "-q", "--bare", "-b", "main", remote.toString()));
    git.run(repo, List.of("remote", "add", "origin", remote.toString()));
    git.run(repo, List.of("push", "-q", "origin", "main"));
    return new Made(repo, remote);
  }

  /** Writes the demo's agent script (one scripted spec for all three agents) to {@code file}. */
  public static Path writeScript(Path file) {
    try (InputStream in = SampleRepository.class.getResourceAsStream(ROOT + "agents.json")) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo script to " + file, e);
    }
  }
}
