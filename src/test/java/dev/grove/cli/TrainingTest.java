package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingTest {
  @Test
  void theTrainingRunsTheShortCommandsAsAUserWouldInItsOwnDirectory(@TempDir Path dir) {
    // each command works (the last one is a missing file, said as users see it), so the cache
    // holds what those commands load when they work
    assertThat(Training.run(dir)).containsExactly(0, 0, 0, 0, Exits.NOT_FOUND);
    // and writes nothing but its session file
    assertThat(dir.toFile().list()).containsExactly("training.jsonl");
  }
}
