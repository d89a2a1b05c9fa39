package dev.grove.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class PricesTest {
  final Prices builtIn = ModelConfig.defaults().prices();

  @Test
  void aListedModelHasItsPrice() {
    assertThat(builtIn.find("openai", "gpt-4.1-mini")).hasValue(new Price(0.40, 1.60));
    assertThat(builtIn.find("anthropic", "claude-opus-4-5")).hasValue(new Price(5.0, 25.0));
  }

  @Test
  void aDatedVariantTakesThePriceOfItsLongestListedPrefix() {
    assertThat(builtIn.find("openai", "gpt-4.1-2025-04-14")).hasValue(new Price(2.0, 8.0));
    assertThat(builtIn.find("openai", "gpt-4.1-mini-2025-04-14")).hasValue(new Price(0.40, 1.60));
    assertThat(builtIn.find("anthropic", "claude-sonnet-4-5-20250929"))
        .hasValue(new Price(3.0, 15.0));
    assertThat(builtIn.find("anthropic", "claude-opus-4-20250514")).hasValue(new Price(15.0, 75.0));
  }

  @Test
  void aPriceForTheProviderAndModelWinsOverOneForTheModel() {
    Prices p = builtIn.with(Map.of("azure:gpt-4.1", new Price(2.2, 8.8)));

    assertThat(p.find("azure", "gpt-4.1")).hasValue(new Price(2.2, 8.8));
    assertThat(p.find("openai", "gpt-4.1")).hasValue(new Price(2.0, 8.0));
  }

  @Test
  void anUnknownModelHasNoPrice() {
    assertThat(builtIn.find("openai", "gpt-9")).isEmpty();
    assertThat(builtIn.find("ollama", "qwen3:8b")).isEmpty();
  }

  @Test
  void costIsTokensTimesThePricePerMillion() {
    assertThat(new Price(3.0, 15.0).cost(1_000_000, 100_000)).isCloseTo(4.5, Offset.offset(1e-12));
    assertThat(Price.FREE.cost(5_000, 5_000)).isZero();
    assertThatThrownBy(() -> new Price(-1, 0)).hasMessageContaining(">= 0");
  }
}
