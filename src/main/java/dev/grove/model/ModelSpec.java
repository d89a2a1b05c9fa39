package dev.grove.model;

import java.util.Objects;

/**
 * A model spec, {@code PROVIDER:NAME}: {@code openai:gpt-4.1}, {@code anthropic:claude-sonnet-4-5},
 * {@code ollama:qwen3:8b} (the name may hold colons), {@code scripted:FILE}, {@code
 * replay:SESSION[#ENTRY]}, or a provider configured under {@code [model.providers.NAME]}.
 */
public record ModelSpec(String provider, String name) {
  public ModelSpec {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(name, "name");
  }

  /** Parses a spec; a {@link ModelException.Kind#CONFIG} error with examples if it is not one. */
  public static ModelSpec parse(String spec) {
    int colon = spec == null ? -1 : spec.indexOf(':');
    if (colon <= 0 || colon == spec.length() - 1) {
      throw ModelException.config(
          "not a model spec: '"
              + spec
              + "' (expected PROVIDER:MODEL, e.g. "
              + "openai:gpt-4.1, anthropic:claude-sonnet-4-5, ollama:qwen3, scripted:FILE or replay:SESSION)");
    }
    return new ModelSpec(spec.substring(0, colon).trim(), spec.substring(colon + 1).trim());
  }

  @Override
  public String toString() {
    return provider + ":" + name;
  }
}
