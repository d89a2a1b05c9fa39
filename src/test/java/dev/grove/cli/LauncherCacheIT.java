package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's start-up cache (JDK 25 and newer), on a copy of the launcher and jar: made once,
 * used while fresh, and ignored without a word when the JVM finds it stale or made by another JDK.
 */
class LauncherCacheIT {
  @TempDir static Path copy;

  static Path cache;
  static byte[] made;
  static FileTime builtAt;

  record Run(int exit, String out, String err) {
    /** Whether grove's own classes came from the cache ({@code -Xlog:class+load} in the output). */
    boolean fromCache() {
      return out.contains("dev.grove.cli.Main source: shared objects file");
    }

    String withoutClassLoading() {
      return out.lines()
          .filter(l -> !l.contains("[class,load]"))
          .reduce("", (a, l) -> a + l + "\n");
    }
  }

  static Run grove(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(copy.resolve("grove").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(copy.toFile());
    pb.environment().put("GROVE_JAVA_HOME", System.getProperty("java.home"));
    pb.environment().remove("GROVE_CACHE");
    pb.environment().remove("GROVE_JAVA_OPTS");
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    return new Run(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  static Run traced(Map<String, String> env, String... args) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.put("GROVE_JAVA_OPTS", "-Xlog:class+load");
    return grove(all, args);
  }

  @BeforeAll
  static void copyTheLauncherAndMakeTheCache() throws Exception {
    assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs JDK 25 or newer");
    Path root = Path.of("").toAbsolutePath();
    Files.copy(root.resolve("grove"), copy.resolve("grove"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.createDirectories(copy.resolve("target/lib"));
    Files.copy(
        root.resolve("target/grove.jar"),
        copy.resolve("target/grove.jar"),
        StandardCopyOption.COPY_ATTRIBUTES);
    try (Stream<Path> libs = Files.list(root.resolve("target/lib"))) {
      for (Path lib : libs.toList()) {
        Files.copy(
            lib,
            copy.resolve("target/lib").resolve(lib.getFileName()),
            StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    Run first = grove(Map.of(), "--version");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.err()).contains("preparing a start-up cache for Java");
    try (Stream<Path> files = Files.list(copy.resolve("target"))) {
      cache =
          files.filter(p -> p.getFileName().toString().endsWith(".aot")).findFirst().orElseThrow();
    }
    assertThat(cache.getFileName().toString())
        .isEqualTo("grove-" + System.getProperty("java.runtime.version") + ".aot");
    made = Files.readAllBytes(cache);
    builtAt = Files.getLastModifiedTime(copy.resolve("target/grove.jar"));
  }

  @BeforeEach
  void restore() throws IOException {
    Files.write(cache, made);
    Files.setLastModifiedTime(copy.resolve("target/grove.jar"), builtAt);
    Files.deleteIfExists(Path.of(cache + ".failed"));
    Files.setLastModifiedTime(Path.of(cache + ".jar"), builtAt); // the jar it was made from
  }

  @Test
  void aFreshCacheIsUsedWithoutAWord() throws Exception {
    Run plain = grove(Map.of(), "--version");
    assertThat(plain.exit()).isZero();
    assertThat(plain.err()).isEmpty();
    assertThat(plain.out()).startsWith("grove ").contains("Java ");
    Run traced = traced(Map.of(), "--version");
    assertThat(traced.fromCache()).as(traced.out()).isTrue();
    assertThat(traced.withoutClassLoading()).isEqualTo(plain.out());
    Run off = traced(Map.of("GROVE_CACHE", "off"), "--version");
    assertThat(off.fromCache()).isFalse();
    assertThat(off.withoutClassLoading()).isEqualTo(plain.out());
  }

  @Test
  void aCacheTheJvmFindsStaleIsIgnoredWithoutAWord() throws Exception {
    // the jar is not the one the cache was made from (its time differs), yet older than the cache:
    // it starts plainly (the launcher keeps the time of the jar a cache was made from)
    Files.setLastModifiedTime(
        copy.resolve("target/grove.jar"), FileTime.fromMillis(builtAt.toMillis() - 60_000));
    Run r = traced(Map.of(), "session", "leaves", copy.resolve("none.jsonl").toString());
    assertThat(r.fromCache()).isFalse();
    assertThat(r.exit()).isEqualTo(Exits.NOT_FOUND);
    assertThat(r.err()).doesNotContain("aot").doesNotContain("AOT").contains("does not exist");
    assertThat(r.withoutClassLoading()).isEmpty();
  }

  @Test
  void aCacheMadeByAnotherJdkIsIgnoredWithoutAWord() throws Exception {
    // what another build of the JDK would have written: the same cache, another JVM's name in it
    String version = System.getProperty("java.runtime.version");
    byte[] other = made.clone();
    byte[] mine = version.getBytes(StandardCharsets.US_ASCII);
    int at = indexOf(other, mine);
    assertThat(at).isNotNegative();
    other[at + mine.length - 1] ^= 1;
    Files.write(cache, other);
    Run r = traced(Map.of(), "--version");
    assertThat(r.exit()).isZero();
    assertThat(r.fromCache()).isFalse();
    assertThat(r.err()).isEmpty();
    assertThat(r.withoutClassLoading()).startsWith("grove ");
    // and a file that is no cache at all
    Files.write(cache, "not a cache".getBytes(StandardCharsets.US_ASCII));
    Run garbage = grove(Map.of(), "--version");
    assertThat(garbage.exit()).isZero();
    assertThat(garbage.err()).isEmpty();
  }

  @Test
  void aNewerJarGetsANewCache() throws Exception {
    Files.setLastModifiedTime(
        copy.resolve("target/grove.jar"), FileTime.fromMillis(System.currentTimeMillis() + 1000));
    Run r = traced(Map.of(), "--version");
    assertThat(r.exit()).isZero();
    assertThat(r.err()).contains("preparing a start-up cache");
    assertThat(r.fromCache()).isTrue();
    assertThat(Files.getLastModifiedTime(cache))
        .isGreaterThan(Files.getLastModifiedTime(copy.resolve("target/grove.jar")));
    assertThat(copy.resolve("target").toFile().list())
        .noneMatch(n -> n.endsWith(".lock") || n.endsWith(".tmp"));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
