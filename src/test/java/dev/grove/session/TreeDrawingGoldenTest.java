package dev.grove.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: each {@code src/test/resources/sessions/X.jsonl} is drawn four ways and compared
 * with {@code X.tree} (folded), {@code X.all.tree} (--all), {@code X.ascii.tree} and, for each lane
 * L, {@code X.lane-L.tree} when that file exists. Run with {@code -Dgrove.updateGoldens=true} to
 * rewrite them, then review the diff.
 */
class TreeDrawingGoldenTest {
  static final Path DIR = Path.of("src/test/resources/sessions");
  static final boolean UPDATE = Boolean.getBoolean("grove.updateGoldens");

  static Stream<Arguments> goldens() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
        String base = f.getFileName().toString().replace(".jsonl", "");
        out.add(Arguments.of(f, base + ".tree", new TreeDrawing.Options(null, false, true, 100)));
        out.add(
            Arguments.of(f, base + ".all.tree", new TreeDrawing.Options(null, true, true, 100)));
        out.add(
            Arguments.of(
                f, base + ".ascii.tree", new TreeDrawing.Options(null, false, false, 100)));
        try (Stream<Path> lanes = Files.list(DIR)) {
          for (Path lf :
              lanes.filter(p -> p.getFileName().toString().startsWith(base + ".lane-")).toList()) {
            String lane =
                lf.getFileName().toString().replace(base + ".lane-", "").replace(".tree", "");
            out.add(
                Arguments.of(
                    f,
                    lf.getFileName().toString(),
                    new TreeDrawing.Options(lane, false, true, 100)));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("goldens")
  void drawingMatchesGolden(Path session, String golden, TreeDrawing.Options options)
      throws IOException {
    StringBuilder drawn = new StringBuilder();
    try (SessionStore s = SessionStore.open(session)) {
      TreeDrawing.draw(s, options, line -> drawn.append(line).append('\n'));
    }
    Path expected = DIR.resolve(golden);
    if (UPDATE || !Files.exists(expected)) {
      Files.writeString(expected, drawn, StandardCharsets.UTF_8);
    }
    assertThat(drawn.toString()).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
  }
}
