package dev.grove.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.fs.Confined.Kind;
import dev.grove.fs.Confined.Refused.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A confined tree against real links, hard links and swaps made at the worst moment. */
class ConfinedTest {
  @TempDir Path tmp;
  Path root;
  Path outside;
  Confined tree;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(tmp.resolve("root"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "TOP SECRET");
    Files.createDirectories(root.resolve("src"));
    Files.writeString(root.resolve("src/A.java"), "class A {}\n");
    Files.createDirectories(root.resolve(".git"));
    Files.writeString(root.resolve(".git/config"), "[core]\n");
    tree = Confined.at(root, "tree", Set.of(".git"));
  }

  @Test
  void readsFollowLinksThatStayInside() throws Exception {
    Files.createSymbolicLink(root.resolve("lib"), Path.of("src"));
    Files.createSymbolicLink(root.resolve("abs"), root.toRealPath().resolve("src"));
    Files.createSymbolicLink(root.resolve("src/Self.java"), Path.of("../lib/./A.java"));
    assertThat(tree.stat("lib/A.java")).isEqualTo(new Confined.Entry("src/A.java", Kind.FILE, 11));
    assertThat(tree.stat("src/Self.java").path()).isEqualTo("src/A.java");
    assertThat(tree.stat("lib").kind()).isEqualTo(Kind.DIRECTORY);
    try (Confined.OpenFile f = tree.open("abs/A.java")) {
      assertThat(f.path()).isEqualTo("src/A.java");
      assertThat(new String(f.readAtMost(100), StandardCharsets.UTF_8)).isEqualTo("class A {}\n");
    }
    assertThat(tree.list("lib", 10))
        .extracting(Confined.Entry::path)
        .containsExactly("src/A.java", "src/Self.java");
  }

  @Test
  void linksThatLeadOutAreRefusedHoweverTheyAreWritten() throws Exception {
    Files.createSymbolicLink(root.resolve("out"), outside);
    Files.createSymbolicLink(root.resolve("up"), Path.of("../outside"));
    Files.createSymbolicLink(root.resolve("src/sneaky"), Path.of("../../outside/secret.txt"));
    Files.createSymbolicLink(root.resolve("dotdot"), Path.of("src/../.."));
    for (String path :
        List.of(
            "out/secret.txt", "up/secret.txt", "src/sneaky", "dotdot/outside/secret.txt", "out")) {
      assertRefused(() -> tree.open(path), Reason.OUTSIDE)
          .hasMessageContaining("leads outside the tree");
      assertRefused(() -> tree.stat(path), Reason.OUTSIDE);
    }
    assertRefused(() -> tree.list("out", 10), Reason.OUTSIDE);
    assertThat(tree.list("", 10))
        .extracting(Confined.Entry::path, Confined.Entry::kind)
        .contains(org.assertj.core.groups.Tuple.tuple("out", Kind.LINK));
  }

  @Test
  void aTrackedDirectoryReplacedByALinkOutIsNeitherReadNorWritten() throws Exception {
    Files.writeString(outside.resolve("A.java"), "class Stolen {}\n");
    deleteTree(root.resolve("src"));
    Files.createSymbolicLink(root.resolve("src"), outside);
    assertRefused(() -> tree.open("src/A.java"), Reason.OUTSIDE);
    assertRefused(() -> tree.write("src/A.java", bytes("pwned")), Reason.LINK)
        .hasMessageContaining("src is a symbolic link");
    assertRefused(() -> tree.write("src/New.java", bytes("pwned")), Reason.LINK);
    assertThat(Files.readString(outside.resolve("A.java"))).isEqualTo("class Stolen {}\n");
    assertThat(outside.resolve("New.java")).doesNotExist();
  }

  @Test
  void offLimitsNamesAreRefusedAtAnyDepthIgnoringCaseAndThroughLinks() throws Exception {
    Files.createSymbolicLink(root.resolve("cfg"), Path.of(".git/config"));
    Files.createSymbolicLink(root.resolve("g"), Path.of(".GIT"));
    for (String path : List.of(".git/config", "src/.git/x", ".Git", "cfg", "g/config")) {
      assertRefused(() -> tree.open(path), Reason.OFF_LIMITS).hasMessageContaining("is off limits");
      assertRefused(
          () -> tree.write(path, bytes("x")),
          path.startsWith("cfg") || path.startsWith("g/") ? Reason.LINK : Reason.OFF_LIMITS);
    }
    assertThat(tree.list("", 10)).extracting(Confined.Entry::path).doesNotContain(".git");
    assertThat(Files.readString(root.resolve(".git/config"))).isEqualTo("[core]\n");
  }

  @Test
  void pathsThatAreNotPlainRelativePathsAreRefused() {
    for (String path :
        new String[] {"/etc/passwd", "../outside/secret.txt", "src/../../outside", "a\0b"}) {
      assertRefused(() -> tree.open(path), Reason.INVALID);
    }
    assertRefused(() -> tree.write(".", bytes("x")), Reason.NOT_A_FILE)
        .hasMessageContaining("root itself");
    assertRefused(() -> tree.open("nope"), Reason.NOT_FOUND)
        .hasMessageContaining("no such file or directory: nope");
    assertRefused(() -> tree.open("src/A.java/x"), Reason.NOT_A_DIRECTORY);
    assertRefused(() -> tree.open("src"), Reason.NOT_A_FILE).hasMessageContaining("is a directory");
  }

  @Test
  void aLinkLoopIsRefused() throws Exception {
    Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
    Files.createSymbolicLink(root.resolve("b"), Path.of("a"));
    assertRefused(() -> tree.open("a"), Reason.LOOP);
  }

  @Test
  void writeCreatesRealDirectoriesAndReplacesFilesKeepingTheirPermissions() throws Exception {
    assertThat(tree.write("x/y/z.txt", bytes("one")))
        .isEqualTo(new Confined.Written("x/y/z.txt", true, 3));
    assertThat(Files.isDirectory(root.resolve("x/y"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    Files.setPosixFilePermissions(
        root.resolve("x/y/z.txt"), PosixFilePermissions.fromString("rwxr-x---"));
    assertThat(tree.write("x/y/z.txt", bytes("two")).created()).isFalse();
    assertThat(Files.readString(root.resolve("x/y/z.txt"))).isEqualTo("two");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("x/y/z.txt"))))
        .isEqualTo("rwxr-x---");
    assertRefused(() -> tree.write("x/y", bytes("x")), Reason.NOT_A_FILE)
        .hasMessageContaining("is a directory");
    assertRefused(() -> tree.write("x/y/z.txt/w", bytes("x")), Reason.NOT_A_DIRECTORY);
    try (Stream<Path> all = Files.walk(root)) {
      assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".grove-"));
    }
  }

  @Test
  void writeFollowsNoLinkAndSaysWhereTheRealFileIs() throws Exception {
    Files.createSymbolicLink(root.resolve("lib"), Path.of("src"));
    Files.createSymbolicLink(root.resolve("a-link"), Path.of("src/A.java"));
    Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("new.txt"));
    assertRefused(() -> tree.write("lib/B.java", bytes("x")), Reason.LINK)
        .hasMessageContaining("use the real path src/B.java");
    assertRefused(() -> tree.write("a-link", bytes("x")), Reason.LINK)
        .hasMessageContaining("use the real path src/A.java");
    assertRefused(() -> tree.write("dangling", bytes("x")), Reason.LINK)
        .hasMessageContaining("does not lead to anything inside");
    assertThat(outside.resolve("new.txt")).doesNotExist();
    assertThat(Files.readString(root.resolve("src/A.java"))).isEqualTo("class A {}\n");
  }

  @Test
  void aHardLinkedFileIsNotWrittenThrough() throws Exception {
    Files.createLink(root.resolve("hard.txt"), outside.resolve("secret.txt"));
    assertRefused(() -> tree.write("hard.txt", bytes("x")), Reason.HARD_LINK)
        .hasMessageContaining("hard link");
    assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("TOP SECRET");
  }

  @Test
  void aLinkSwappedInJustBeforeADescentIsRefusedByTheKernel() throws Exception {
    Files.createDirectories(root.resolve("sub"));
    Files.writeString(root.resolve("sub/secret.txt"), "inside");
    Confined raced =
        swapping("descend", "sub", () -> replaceWithLink(root.resolve("sub"), outside));
    assertThatThrownBy(() -> raced.write("sub/x.txt", bytes("pwned")))
        .isInstanceOf(Confined.Refused.class);
    assertThat(outside.resolve("x.txt")).doesNotExist();
    restoreDirectory(root.resolve("sub"));
    Files.writeString(outside.resolve("secret.txt"), "TOP SECRET");
    Confined racedRead =
        swapping("descend", "sub", () -> replaceWithLink(root.resolve("sub"), outside));
    assertThatThrownBy(() -> racedRead.open("sub/secret.txt")).isInstanceOf(Confined.Refused.class);
  }

  @Test
  void aLinkSwappedInJustBeforeOpeningAFileIsNotFollowed() throws Exception {
    Files.writeString(root.resolve("f.txt"), "inside");
    Confined raced =
        swapping(
            "open",
            "f.txt",
            () -> replaceWithLink(root.resolve("f.txt"), outside.resolve("secret.txt")));
    assertThatThrownBy(() -> raced.open("f.txt")).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void aLinkSwappedInJustBeforeTheRenameIsReplacedNotFollowed() throws Exception {
    Files.writeString(root.resolve("f.txt"), "inside");
    Confined raced =
        swapping(
            "rename",
            "f.txt",
            () -> replaceWithLink(root.resolve("f.txt"), outside.resolve("secret.txt")));
    raced.write("f.txt", bytes("new"));
    assertThat(Files.isSymbolicLink(root.resolve("f.txt"))).isFalse();
    assertThat(Files.readString(root.resolve("f.txt"))).isEqualTo("new");
    assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("TOP SECRET");
  }

  @Test
  void aLinkPlantedWhereADirectoryIsBeingCreatedIsNotFollowed() throws Exception {
    Confined raced =
        swapping("mkdir", "new", () -> Files.createSymbolicLink(root.resolve("new"), outside));
    assertRefused(() -> raced.write("new/x.txt", bytes("pwned")), Reason.LINK);
    assertThat(outside.resolve("x.txt")).doesNotExist();
  }

  @Test
  void writesRacingAThreadThatSwapsTheirDirectoryForALinkNeverLandOutside() throws Exception {
    Path sub = Files.createDirectories(root.resolve("sub"));
    Path aside = root.resolve("sub.real");
    AtomicBoolean done = new AtomicBoolean();
    Thread swapper =
        new Thread(
            () -> {
              while (!done.get()) {
                try {
                  Files.move(sub, aside);
                  Files.createSymbolicLink(sub, outside);
                  Files.delete(sub);
                  Files.move(aside, sub);
                } catch (IOException e) {
                  // a write created sub meanwhile: carry on from whatever is there
                  try {
                    if (Files.isSymbolicLink(sub)) {
                      Files.delete(sub);
                    }
                    if (!Files.exists(sub) && Files.isDirectory(aside)) {
                      Files.move(aside, sub);
                    }
                  } catch (IOException ignored) {
                    // the next round tries again
                  }
                }
              }
            });
    swapper.start();
    try {
      for (int i = 0; i < 500; i++) {
        try {
          tree.write("sub/f" + i + ".txt", bytes("x"));
        } catch (Confined.Refused | UncheckedIOException e) {
          // refused or failed: either is fine, landing outside is not
        }
      }
    } finally {
      done.set(true);
      swapper.join();
    }
    try (Stream<Path> out = Files.list(outside)) {
      assertThat(out.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
    }
  }

  @Test
  void copyCopiesFilesAndRelativeLinksThatStayInside() throws Exception {
    Confined to = targetTree();
    Path target = to.root();
    Files.setPosixFilePermissions(
        root.resolve("src/A.java"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(root.resolve("src/B.java"), Path.of("A.java"));
    Files.createSymbolicLink(root.resolve("src/later"), Path.of("Later.java"));
    assertThat(tree.copy("src/A.java", to))
        .isEqualTo(new Confined.Entry("src/A.java", Kind.FILE, 11));
    assertThat(tree.copy("src/B.java", to).kind()).isEqualTo(Kind.LINK);
    tree.copy("src/later", to);
    assertThat(Files.readString(target.resolve("src/A.java"))).isEqualTo("class A {}\n");
    assertThat(Files.isExecutable(target.resolve("src/A.java"))).isTrue();
    assertThat(Files.readSymbolicLink(target.resolve("src/B.java"))).isEqualTo(Path.of("A.java"));
    assertThat(Files.readSymbolicLink(target.resolve("src/later")))
        .isEqualTo(Path.of("Later.java"));
    assertRefused(() -> tree.copy("src/A.java", to), Reason.EXISTS);
  }

  @Test
  void copyRefusesLinksThatLeadOutAndNeverFollowsOneInTheTarget() throws Exception {
    Confined to = targetTree();
    Path target = to.root();
    Files.createSymbolicLink(root.resolve("abs"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("rel"), Path.of("../outside/secret.txt"));
    Files.createSymbolicLink(root.resolve("inside-abs"), root.toRealPath().resolve("src/A.java"));
    Files.createSymbolicLink(root.resolve("git"), Path.of(".git/config"));
    assertRefused(() -> tree.copy("abs", to), Reason.OUTSIDE);
    assertRefused(() -> tree.copy("rel", to), Reason.OUTSIDE);
    assertRefused(() -> tree.copy("inside-abs", to), Reason.OUTSIDE)
        .hasMessageContaining("absolute path");
    assertRefused(() -> tree.copy("git", to), Reason.OFF_LIMITS);
    Files.createSymbolicLink(target.resolve("src"), outside);
    assertRefused(() -> tree.copy("src/A.java", to), Reason.LINK);
    try (Stream<Path> out = Files.list(outside)) {
      assertThat(out.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
    }
    try (Stream<Path> in = Files.list(target)) {
      assertThat(in.map(p -> p.getFileName().toString())).containsExactly("src");
    }
  }

  private Confined targetTree() throws IOException {
    return Confined.at(Files.createDirectories(tmp.resolve("target")), "target", Set.of(".git"));
  }

  private Confined swapping(String step, String path, Swap swap) {
    AtomicBoolean swapped = new AtomicBoolean();
    return new Confined(
        root,
        "tree",
        Set.of(".git"),
        (s, p) -> {
          if (s.equals(step) && p.equals(path) && !swapped.getAndSet(true)) {
            swap.run();
          }
        });
  }

  interface Swap {
    void run() throws IOException;
  }

  private static void replaceWithLink(Path p, Path target) throws IOException {
    Files.move(p, p.resolveSibling(p.getFileName() + ".moved"));
    Files.createSymbolicLink(p, target);
  }

  private static void restoreDirectory(Path p) throws IOException {
    Files.delete(p);
    Files.move(p.resolveSibling(p.getFileName() + ".moved"), p);
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
      ThrowingCallable call, Reason reason) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            Confined.Refused.class,
            e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
