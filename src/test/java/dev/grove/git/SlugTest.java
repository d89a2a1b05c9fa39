package dev.grove.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SlugTest {
  @Test
  void freeTextIsNormalized() {
    assertThat(Slug.of("Fix the Login bug!").value()).isEqualTo("fix-the-login-bug");
    assertThat(Slug.of("  über_Café  v2 ").value()).isEqualTo("uber-cafe-v2");
    assertThat(Slug.of("fix-login").value()).isEqualTo("fix-login");
    assertThat(Slug.of("a--b").value()).isEqualTo("a-b");
  }

  @Test
  void aSlugNamesItsBranch() {
    assertThat(Slug.of("fix-login").branch()).isEqualTo("task/fix-login");
  }

  @Test
  void nothingUsableGivesAReadableError() {
    assertThatThrownBy(() -> Slug.of("!!! ???"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'!!! ???' has no letters or digits to make a slug of; use a short name such as fix-login");
    assertThatThrownBy(() -> Slug.of("x".repeat(65)))
        .hasMessageContaining("is 65 characters long; use at most 64");
  }

  @Test
  void theConstructorAcceptsOnlyNormalizedSlugs() {
    assertThatThrownBy(() -> new Slug("Fix")).hasMessageContaining("not a valid slug: 'Fix'");
    assertThatThrownBy(() -> new Slug("a/b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Slug("-a")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Slug("a.lock")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void suffixesStayWithinTheLengthLimit() {
    assertThat(Slug.of("fix").withSuffix(2).value()).isEqualTo("fix-2");
    Slug longest = Slug.of("a".repeat(60) + "-bcd");
    assertThat(longest.withSuffix(12).value()).isEqualTo("a".repeat(60) + "-12"); // no "--"
    assertThat(Slug.of("a".repeat(61) + "-b").withSuffix(3).value())
        .isEqualTo("a".repeat(61) + "-3");
  }

  @Test
  void latinLettersLoseTheirAccentsAndLigaturesAreSpelledOut() {
    assertThat(Slug.of("Ünïcödé naïve café").value()).isEqualTo("unicode-naive-cafe");
    assertThat(Slug.of("Straße Œuvre Æsir Łódź").value()).isEqualTo("strasse-oeuvre-aesir-lodz");
  }

  @Test
  void otherScriptsStayReadable() {
    assertThat(Slug.of("修复登录页面").value()).isEqualTo("修复登录页面");
    assertThat(Slug.of("Исправить Ошибку").value()).isEqualTo("исправить-ошибку");
    assertThat(Slug.of("한국어 지원").value()).isEqualTo("한국어-지원");
    assertThat(Slug.of("修复 login 页面").branch()).isEqualTo("task/修复-login-页面");
  }

  @Test
  void emojiAndSymbolsSeparateWords() {
    assertThat(Slug.of("🚀 ship it 🎉!").value()).isEqualTo("ship-it");
    assertThatThrownBy(() -> Slug.of("🚀🎉")).hasMessageContaining("no letters or digits");
  }

  @Test
  void aLongTaskIsCutAtAWordBoundary() {
    assertThat(
            Slug.suggest("Fix the login bug that appears when the password contains a quote", 40)
                .value())
        .isEqualTo("fix-the-login-bug-that-appears-when-the");
    assertThat(Slug.suggest("!!!", 40).value()).isEqualTo("task");
    assertThat(Slug.suggest("a".repeat(80), 40).value()).isEqualTo("a".repeat(40));
  }
}
