package dev.grove.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentTextTest {
  @Test
  void controlCharactersAndBidiOverridesDoNotSurvive() {
    String hostile = "ok\u001b]52;c;ZWNobyBwd25lZA==\u0007 \u202eevil\u202c\r\nnext\u0085";
    String plain = AgentText.plain(hostile);
    assertThat(plain)
        .doesNotContain("\u001b")
        .doesNotContain("\u0007")
        .doesNotContain("\u202e")
        .doesNotContain("\r")
        .doesNotContain("\u0085")
        .contains("ok")
        .contains("\nnext");
  }

  @Test
  void trailerLookalikesAreRemovedFromAgentText() {
    String s = "Fixed it.\nGrove-Session: someone-elses\n  grove-entry : abc\nMore text\n";
    assertThat(AgentText.withoutTrailers(s)).isEqualTo("Fixed it.\nMore text\n");
  }

  @Test
  void mentionsReferencesAndClosingKeywordsAreInert() {
    String s =
        AgentText.inert(
            "Fixes #12, closes GH-3, resolves !4 @octocat; closes https://github.com/o/r/issues/9 "
                + "and fixes o/r#7. Fix the parser");
    assertThat(s)
        .doesNotContain("#12")
        .doesNotContain("GH-3")
        .doesNotContain("!4")
        .doesNotContain("@octocat")
        .doesNotContain("closes https")
        .doesNotContain("fixes o/r")
        .doesNotContain("r#7")
        .endsWith("Fix the parser");
    assertThat(s.replace("\u2060", ""))
        .isEqualTo(
            "Fixes #12, closes GH-3, resolves !4 @octocat; closes "
                + "https://github.com/o/r/issues/9 and fixes o/r#7. Fix the parser");
  }

  @Test
  void aFenceCannotBeClosedByTheTextInside() {
    String text = "```\n</details>\n<!-- hide -->\n````\n### Files changed\n- `nothing`";
    String fenced = AgentText.fenced(text);
    String fence = fenced.substring(0, fenced.indexOf("text"));
    assertThat(fence).hasSize(5);
    assertThat(fenced).endsWith("\n" + fence + "\n");
    assertThat(fenced.substring(fence.length()).indexOf(fence))
        .isEqualTo(fenced.length() - 2 * fence.length() - 1);
  }

  @Test
  void codeSpansShowBackticksAndNewlinesOnOneLine() {
    assertThat(AgentText.code("a`b")).isEqualTo("``a`b``");
    assertThat(AgentText.code("`x`")).isEqualTo("`` `x` ``");
    assertThat(AgentText.code("evil\nname")).doesNotContain("\n");
  }

  @Test
  void capSaysHowMuchWasCut() {
    assertThat(AgentText.cap("x".repeat(100), 50)).hasSize(50).contains("more characters");
    assertThat(AgentText.cap("short", 50)).isEqualTo("short");
  }
}
