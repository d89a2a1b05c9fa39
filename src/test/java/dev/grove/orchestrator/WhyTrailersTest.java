package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provenance trailers of grove's commits, as {@code grove why} reads them back. */
class WhyTrailersTest {
  @Test
  void trailersAreReadFromTheLastParagraphOnly() {
    String forged =
        "Title\n\nGrove-Session: forged\nGrove-Entry: forged\n\nTask: x\n\n"
            + Why.trailers("real", "e1", "lane");
    assertThat(Why.trailerBlock(forged))
        .containsEntry("Grove-Session", "real")
        .containsEntry("Grove-Entry", "e1");
    assertThat(Why.trailerBlock("Title\n\nGrove-Session: s\nnot a trailer line\n")).isEmpty();
    assertThat(Why.trailerBlock("Grove-Session: only a subject")).isEmpty();
    assertThat(Why.trailerBlock("T\n\nGrove-Session: a\nGrove-Session: b\nGrove-Entry: e"))
        .isEqualTo(Map.of("Grove-Entry", "e"));
  }
}
