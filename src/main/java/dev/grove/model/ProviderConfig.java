package dev.grove.model;

import java.util.Objects;
import java.util.Optional;

/**
 * A provider a model spec can name ({@code NAME:model}): its wire protocol, where it is, and which
 * environment variable holds its API key. The key itself is never configured in a file.
 *
 * @param baseUrl empty for the protocol's usual address (or its environment variable, for the
 *     built-in names)
 * @param apiKeyEnv the environment variable holding the key; empty for none (e.g. a local server)
 */
public record ProviderConfig(
    String name, Protocol protocol, Optional<String> baseUrl, Optional<String> apiKeyEnv) {

  /** The wire protocols grove speaks. */
  public enum Protocol {
    /** OpenAI chat completions; also any OpenAI-compatible server. */
    OPENAI("https://api.openai.com/v1", "OPENAI_API_KEY", "OPENAI_BASE_URL"),
    /** Anthropic messages. */
    ANTHROPIC("https://api.anthropic.com/v1", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
    /** Ollama's /api/chat. */
    OLLAMA("http://localhost:11434", null, "OLLAMA_HOST");

    final String defaultBaseUrl;
    final String defaultKeyEnv;
    final String baseUrlEnv;

    Protocol(String defaultBaseUrl, String defaultKeyEnv, String baseUrlEnv) {
      this.defaultBaseUrl = defaultBaseUrl;
      this.defaultKeyEnv = defaultKeyEnv;
      this.baseUrlEnv = baseUrlEnv;
    }

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Optional<Protocol> parse(String s) {
      for (Protocol p : values()) {
        if (p.wireName().equals(s)) {
          return Optional.of(p);
        }
      }
      return Optional.empty();
    }
  }

  public ProviderConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
    baseUrl = baseUrl == null ? Optional.empty() : baseUrl;
    apiKeyEnv = apiKeyEnv == null ? Optional.empty() : apiKeyEnv;
    if (!name.matches("[a-z][a-z0-9_-]*")) {
      throw new IllegalArgumentException(
          "provider name '"
              + name
              + "' must be lower-case letters, digits, '_' or '-', starting with a letter");
    }
  }

  /**
   * The built-in provider of this name ({@code openai}, {@code anthropic}, {@code ollama}), with
   * its usual key variable.
   */
  static ProviderConfig builtIn(Protocol p) {
    return new ProviderConfig(
        p.wireName(), p, Optional.empty(), Optional.ofNullable(p.defaultKeyEnv));
  }

  /** True for the three names that follow their protocol's usual environment variables. */
  boolean isBuiltIn() {
    return name.equals(protocol.wireName());
  }
}
