package dev.grove.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreeTest {
  @TempDir Path dir;

  private Path tree() throws IOException {
    Path root = dir.resolve("root");
    Files.createDirectories(root.resolve("a/deep"));
    Files.createDirectories(root.resolve("b"));
    Files.write(root.resolve("a/one"), new byte[10]);
    Files.write(root.resolve("a/deep/two"), new byte[20]);
    Files.write(root.resolve("b/three"), new byte[30]);
    return root;
  }

  @Test
  void sizesAndDeletesATreeWithoutFollowingItsLinks() throws IOException {
    Path root = tree();
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.write(outside.resolve("kept"), new byte[1000]);
    Files.createSymbolicLink(root.resolve("b/link"), outside);
    Files.createSymbolicLink(root.resolve("file-link"), outside.resolve("kept"));

    assertThat(FileTree.size(root)).isEqualTo(60);
    assertThat(FileTree.delete(root)).isEqualTo(60);

    assertThat(root).doesNotExist();
    assertThat(outside.resolve("kept")).hasSize(1000);
  }

  @Test
  void aMissingRootIsEmpty() throws IOException {
    Path gone = dir.resolve("gone");
    List<Path> seen = new ArrayList<>();
    FileTree.forEach(gone, seen::add);
    assertThat(seen).isEmpty();
    assertThat(FileTree.size(gone)).isZero();
    assertThat(FileTree.delete(gone)).isZero();
    assertThat(FileTree.deleteQuietly(gone)).isTrue();
  }

  /**
   * What {@code Files.walk} ends with an {@link UncheckedIOException} from its iterator: a
   * directory listed, then deleted (here by the walk's own action, as a background {@code git gc}
   * deletes loose objects) before the walk reaches it.
   */
  @Test
  void whatVanishesWhileTheWalkGoesOnIsSkipped() throws IOException {
    Path root = tree();
    List<Path> seen = new ArrayList<>();
    FileTree.forEach(
        root,
        p -> {
          seen.add(p);
          Path other =
              p.endsWith("a") ? root.resolve("b") : p.endsWith("b") ? root.resolve("a") : null;
          if (other != null) {
            FileTree.deleteQuietly(other);
          }
        });
    // whichever of a and b came first deleted the other: its files were never seen
    assertThat(seen).contains(root);
    boolean aFirst = seen.contains(root.resolve("a"));
    assertThat(seen.contains(root.resolve("b"))).isNotEqualTo(aFirst);
    assertThat(seen)
        .doesNotContain(aFirst ? root.resolve("b/three") : root.resolve("a/one"))
        .contains(aFirst ? root.resolve("a/deep/two") : root.resolve("b/three"));

    // what is left is one of the two: 30 bytes either way
    assertThat(FileTree.size(root)).isEqualTo(30);
    assertThat(FileTree.deleteOrThrow(root)).isEqualTo(30);
    assertThat(root).doesNotExist();
  }
}
