package dev.grove.model;

import dev.grove.secrets.Secrets;
import dev.grove.session.ToolCall;
import dev.grove.session.Usage;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.TokenUsage;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A real provider, through LangChain4j's chat model for its protocol, called directly (no AI
 * services), with LangChain4j's retries and logging off: retries are {@link Retrier}'s, errors
 * {@link ProviderErrors}'.
 */
final class ProviderModel implements ChatModel {
  static final int ANTHROPIC_MAX_TOKENS = 8192;

  private final String name;
  private final ModelSpec spec;
  private final ProviderConfig provider;
  private final dev.langchain4j.model.chat.ChatModel chat;
  private final Retrier retrier;
  private final ProviderErrors.Site site;
  private final Prices prices;
  private final RandomGenerator random;

  private ProviderModel(
      ModelSpec spec,
      ProviderConfig provider,
      dev.langchain4j.model.chat.ChatModel chat,
      Retrier retrier,
      ProviderErrors.Site site,
      Prices prices,
      RandomGenerator random) {
    this.name = spec.toString();
    this.spec = spec;
    this.provider = provider;
    this.chat = chat;
    this.retrier = retrier;
    this.site = site;
    this.prices = prices;
    this.random = random;
  }

  static ProviderModel create(
      ModelSpec spec, ModelConfig config, Map<String, String> env, Models.Options options) {
    ProviderConfig provider = config.providers().get(spec.provider());
    if (provider == null) {
      throw ModelException.config(
          "unknown model provider '"
              + spec.provider()
              + "' in '"
              + spec
              + "' (known: "
              + String.join(", ", new java.util.TreeSet<>(config.providers().keySet()))
              + ", scripted, replay; add others under [model.providers.NAME] in config.toml)");
    }
    ProviderConfig.Protocol protocol = provider.protocol();
    String baseUrl = baseUrl(provider, config, env);
    String key =
        provider
            .apiKeyEnv()
            .map(env::get)
            .filter(k -> !k.isBlank())
            .map(String::strip)
            .orElse(null);
    boolean keyNeeded =
        protocol == ProviderConfig.Protocol.ANTHROPIC
            || (protocol == ProviderConfig.Protocol.OPENAI
                && baseUrl.equals(protocol.defaultBaseUrl))
            || (!provider.isBuiltIn() && provider.apiKeyEnv().isPresent());
    if (key == null && keyNeeded) {
      throw ModelException.config(
          spec
              + " needs an API key: set "
              + provider.apiKeyEnv().orElse("a variable")
              + " in the environment (or name another variable with api-key-env under [model.providers."
              + provider.name()
              + "] in config.toml)");
    }
    if (key != null && !isHeaderSafe(key)) {
      throw ModelException.config(
          "the key in "
              + provider.apiKeyEnv().orElseThrow()
              + " holds spaces, line breaks or "
              + "other characters that no key has (it is not shown here): set the variable to the key alone");
    }
    Secrets secrets = Secrets.of(env, config.keyVariables());
    GroveHttpClient.Builder http = new GroveHttpClient.Builder(baseUrl);
    dev.langchain4j.model.chat.ChatModel chat =
        switch (protocol) {
          case OPENAI -> {
            OpenAiChatModel.OpenAiChatModelBuilder b =
                OpenAiChatModel.builder()
                    .httpClientBuilder(http)
                    .baseUrl(baseUrl)
                    .apiKey(key)
                    .modelName(spec.name())
                    .timeout(config.timeout())
                    .maxRetries(0)
                    .logRequests(false)
                    .logResponses(false);
            config.maxOutputTokens().ifPresent(b::maxCompletionTokens);
            yield b.build();
          }
          case ANTHROPIC ->
              AnthropicChatModel.builder()
                  .httpClientBuilder(http)
                  .baseUrl(baseUrl)
                  .apiKey(key)
                  .modelName(spec.name())
                  .maxTokens(config.maxOutputTokens().orElse(ANTHROPIC_MAX_TOKENS))
                  .timeout(config.timeout())
                  .maxRetries(0)
                  .logRequests(false)
                  .logResponses(false)
                  .build();
          case OLLAMA -> {
            OllamaChatModel.OllamaChatModelBuilder b =
                OllamaChatModel.builder()
                    .httpClientBuilder(http)
                    .baseUrl(baseUrl)
                    .modelName(spec.name())
                    .timeout(config.timeout())
                    .maxRetries(0)
                    .logRequests(false)
                    .logResponses(false)
                    .customHeaders(
                        key == null ? Map.of() : Map.of("Authorization", "Bearer " + key));
            config.maxOutputTokens().ifPresent(b::numPredict);
            yield b.build();
          }
        };
    ProviderErrors.Site site =
        new ProviderErrors.Site(
            spec.toString(),
            baseUrl,
            config.timeout(),
            provider.apiKeyEnv(),
            secrets,
            options.clock());
    return new ProviderModel(
        spec,
        provider,
        chat,
        new Retrier(config.retry(), options.sleeper(), options.random()),
        site,
        config.prices(),
        options.random());
  }

  /**
   * {@code --base-url}, else the protocol's variable (built-in names only), else config, else the
   * usual.
   */
  static String baseUrl(ProviderConfig provider, ModelConfig config, Map<String, String> env) {
    ProviderConfig.Protocol protocol = provider.protocol();
    String url =
        config
            .baseUrlOverride()
            .or(
                () ->
                    provider.isBuiltIn()
                        ? Optional.ofNullable(env.get(protocol.baseUrlEnv))
                            .filter(s -> !s.isBlank())
                        : Optional.empty())
            .or(provider::baseUrl)
            .orElse(protocol.defaultBaseUrl)
            .strip();
    url =
        switch (protocol) {
          case OLLAMA -> ollamaHost(url);
          case ANTHROPIC ->
              stripSlash(url).endsWith("/v1") ? stripSlash(url) : stripSlash(url) + "/v1";
          case OPENAI -> stripSlash(url);
        };
    try {
      URI u = URI.create(url);
      if (u.getScheme() == null || !u.getScheme().matches("https?") || u.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      throw ModelException.config(
          "base URL '" + url + "' for " + provider.name() + " is not an http:// or https:// URL");
    }
    return url;
  }

  /**
   * OLLAMA_HOST as Ollama reads it: {@code host}, {@code host:port} or a URL; port 11434 unless a
   * scheme says.
   */
  static String ollamaHost(String value) {
    String scheme = "http";
    String rest = value;
    String defaultPort = "11434";
    int sep = value.indexOf("://");
    if (sep >= 0) {
      scheme = value.substring(0, sep);
      rest = value.substring(sep + 3);
      defaultPort = scheme.equals("https") ? "443" : scheme.equals("http") ? "80" : defaultPort;
    }
    int slash = rest.indexOf('/');
    String path = slash >= 0 ? stripSlash(rest.substring(slash)) : "";
    String hostPort = slash >= 0 ? rest.substring(0, slash) : rest;
    boolean hasPort = hostPort.startsWith("[") ? hostPort.contains("]:") : hostPort.contains(":");
    if (hostPort.isEmpty()) {
      hostPort = "127.0.0.1";
    }
    return scheme + "://" + hostPort + (hasPort ? "" : ":" + defaultPort) + path;
  }

  private static String stripSlash(String s) {
    String out = s;
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  /**
   * Printable ASCII without spaces: what an API key is, and all an HTTP header can carry safely.
   */
  static boolean isHeaderSafe(String key) {
    return key.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  /**
   * Sends the request, retrying as the policy says; each try ends by the configured timeout and the
   * whole call by the request's time limit, replies included (a server dripping its reply fails at
   * the deadline).
   */
  @Override
  public ModelReply chat(ModelRequest request) {
    dev.langchain4j.model.chat.request.ChatRequest lcRequest;
    try {
      lcRequest = Wire.request(request, provider.protocol());
    } catch (RuntimeException e) {
      throw new ModelException(
          ModelException.Kind.BAD_REQUEST,
          name
              + ": the conversation cannot be sent: "
              + ProviderErrors.shortRedacted(String.valueOf(e.getMessage()), site.secrets()),
          false,
          0,
          null,
          0,
          site.secrets().sanitize(e));
    }
    Deadline deadline = Deadline.after(request.timeLimit());
    ChatResponse response;
    try {
      response =
          retrier.run(
              () -> GroveHttpClient.within(deadline, () -> chat.chat(lcRequest)),
              e -> ProviderErrors.classify(e, site),
              deadline);
    } catch (ModelException e) {
      if (e.kind() == ModelException.Kind.TIMEOUT && deadline.passed()) {
        throw new ModelException(
            ModelException.Kind.TIMEOUT,
            name
                + ": no answer from "
                + site.secrets().redact(site.baseUrl())
                + " within the time this call was given (what was left of the "
                + "lane's time limit)",
            false,
            0,
            null,
            e.attempts(),
            e.getCause());
      }
      throw e;
    }
    try {
      return reply(response);
    } catch (RuntimeException e) {
      throw ProviderErrors.classify(e, site).error();
    }
  }

  private ModelReply reply(ChatResponse response) {
    String reported =
        response.modelName() == null || response.modelName().isBlank()
            ? spec.name()
            : response.modelName();
    TokenUsage tokens = response.tokenUsage();
    long in = tokens == null || tokens.inputTokenCount() == null ? 0 : tokens.inputTokenCount();
    long out = tokens == null || tokens.outputTokenCount() == null ? 0 : tokens.outputTokenCount();
    Price price =
        prices
            .find(spec.provider(), spec.name())
            .or(() -> prices.find(spec.provider(), reported))
            .orElse(
                Price.FREE); // unknown: cost 0, as Usage documents (local Ollama models are free
    // anyway)
    String text = response.aiMessage() == null ? null : response.aiMessage().text();
    return new ModelReply(
        text == null || text.isBlank() ? null : clean(text),
        cleanCalls(response),
        new Usage(in, out, price.cost(in, out)),
        Untrusted.shorten(clean(spec.provider() + ":" + reported), 200));
  }

  /**
   * What a model wrote, as grove keeps it: well-formed and without any secret of the environment,
   * so a key the model echoes (whole, in pieces, re-cased, reversed, encoded) reaches no session,
   * terminal, commit or pull request. Thinking is not kept (LangChain4j is not asked to return it).
   */
  private String clean(String s) {
    return site.secrets().redact(Untrusted.wellFormed(s));
  }

  private List<ToolCall> cleanCalls(ChatResponse response) {
    List<ToolCall> calls = Wire.toolCalls(response.aiMessage(), random);
    List<ToolCall> out = new ArrayList<>(calls.size());
    for (ToolCall c : calls) {
      out.add(
          new ToolCall(
              clean(c.id()), clean(c.name()), Untrusted.arguments(c.arguments(), this::clean)));
    }
    return out;
  }

  @Override
  public String name() {
    return name;
  }
}
