package dev.grove.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Model settings from the {@code [model]} table of {@code .grove/config.toml} (the project's) laid
 * over {@code GROVE_HOME/config.toml} (the user's) laid over built-in defaults. Other tables of
 * those files belong to other parts of grove and are ignored here. Environment variables and flags
 * are applied when a model is created ({@link Models#create}), not stored here, so one config
 * serves many agents.
 *
 * <pre>
 * [model]
 * default = "anthropic:claude-sonnet-4-5"   # when no --model is given
 * timeout = "5m"                            # per request, its whole reply read
 * max-output-tokens = 8192
 *
 * [model.retry]
 * max-attempts = 5
 * initial-delay = "1s"
 * max-delay = "30s"
 * max-retry-after = "2m"
 *
 * [model.providers.openai]
 * base-url = "https://my-proxy.example/v1"
 * api-key-env = "WORK_OPENAI_KEY"          # the variable's name; keys never go in a file
 *
 * [model.providers.groq]                    # spec "groq:llama-3.3-70b-versatile"
 * protocol = "openai"
 * base-url = "https://api.groq.com/openai/v1"
 * api-key-env = "GROQ_API_KEY"
 *
 * [model.prices]                            # US dollars per million tokens
 * "gpt-4.1" = { input = 2.0, output = 8.0 }
 * </pre>
 *
 * @param defaultModel the spec used when none is given
 * @param timeout how long one request may take
 * @param maxOutputTokens the cap on a reply's tokens; empty for the provider's default (Anthropic
 *     needs one: 8192 is used)
 * @param baseUrlOverride a base URL that wins over every other source (the {@code --base-url} flag)
 */
public record ModelConfig(
    Optional<String> defaultModel,
    Duration timeout,
    Optional<Integer> maxOutputTokens,
    RetryPolicy retry,
    Map<String, ProviderConfig> providers,
    Prices prices,
    Optional<String> baseUrlOverride) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  private static final TomlMapper TOML = new TomlMapper();
  private static final Set<String> MODEL_KEYS =
      Set.of("default", "timeout", "max-output-tokens", "retry", "providers", "prices");
  private static final Set<String> RETRY_KEYS =
      Set.of("max-attempts", "initial-delay", "max-delay", "max-retry-after");
  private static final Set<String> PROVIDER_KEYS = Set.of("protocol", "base-url", "api-key-env");
  private static final Set<String> PRICE_KEYS = Set.of("input", "output");

  public ModelConfig {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(retry, "retry");
    providers = Map.copyOf(providers);
    Objects.requireNonNull(prices, "prices");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, not " + timeout);
    }
    maxOutputTokens.ifPresent(
        n -> {
          if (n < 1) {
            throw new IllegalArgumentException("max-output-tokens must be at least 1, not " + n);
          }
        });
  }

  /** Built-in defaults: the three providers at their usual addresses, the built-in price table. */
  public static ModelConfig defaults() {
    return interpret(builtInTree(), "grove's built-in defaults");
  }

  /**
   * Loads the config: {@code projectFile} over {@code userFile} over the defaults. Either may be
   * null or missing. Throws {@link ModelException} ({@link ModelException.Kind#CONFIG}) naming the
   * file and the key for anything malformed in the model tables.
   */
  public static ModelConfig load(Path projectFile, Path userFile) {
    return load(projectFile, userFile, true, warning -> {});
  }

  /**
   * The settings of a provider that only a trusted file may make: where the key and the whole
   * conversation are sent, and which variable the key is read from.
   */
  public static final Set<String> TRUSTED_PROVIDER_KEYS =
      Set.of("base-url", "api-key-env", "protocol");

  /**
   * {@link #load(Path, Path)}, the project file's {@link #TRUSTED_PROVIDER_KEYS} ignored unless
   * {@code projectTrusted} (a repository's file may come with a branch or a clone); each ignored
   * setting is told to {@code warn}.
   */
  public static ModelConfig load(
      Path projectFile,
      Path userFile,
      boolean projectTrusted,
      java.util.function.Consumer<String> warn) {
    ObjectNode merged = builtInTree();
    String where = "grove's built-in defaults";
    for (Path file : new Path[] {userFile, projectFile}) {
      Optional<ObjectNode> layer = read(file);
      if (layer.isPresent() && file == projectFile && !projectTrusted) {
        java.util.List<String> ignored = new java.util.ArrayList<>();
        // read() gives the [model] table itself: its providers are at "providers"
        for (Iterator<Map.Entry<String, JsonNode>> it =
                layer.get().path("providers").properties().iterator();
            it.hasNext(); ) {
          Map.Entry<String, JsonNode> p = it.next();
          if (java.util.Arrays.stream(ProviderConfig.Protocol.values())
              .noneMatch(b -> b.wireName().equals(p.getKey()))) {
            it.remove(); // a provider of its own is nothing but where the key and conversations go
            ignored.add("[model.providers." + p.getKey() + "]");
          } else if (p.getValue() instanceof ObjectNode provider) {
            for (String key : TRUSTED_PROVIDER_KEYS) {
              if (provider.remove(key) != null) {
                ignored.add("[model.providers." + p.getKey() + "] " + key);
              }
            }
          }
        }
        if (layer.get().remove("default") != null) {
          ignored.add("[model] default"); // which model runs, and spends, is the user's choice
        }
        if (!ignored.isEmpty()) {
          warn.accept(
              "ignoring "
                  + String.join(", ", ignored)
                  + " in "
                  + file
                  + ": the file is not trusted (it may have "
                  + "come with a branch or a clone, and these decide where your API key and conversations go); review it "
                  + "with `grove trust --show`, then `grove trust` to use it");
        }
      }
      if (layer.isPresent()) {
        // checked as laid over what is below it, so that errors name the file that brought them
        ObjectNode candidate = merge(merged.deepCopy(), layer.get());
        interpret(candidate, file.toString());
        merged = candidate;
        where = file.toString();
      }
    }
    return interpret(merged, where);
  }

  /** {@code REPO/.grove/config.toml}. */
  public static Path projectFile(Path repo) {
    return repo.resolve(".grove").resolve("config.toml");
  }

  /**
   * {@code $GROVE_HOME/config.toml}, else {@code $HOME/.grove/config.toml}; empty when neither is
   * set.
   */
  public static Optional<Path> userFile(Map<String, String> env) {
    String home = env.get("GROVE_HOME");
    if (home != null && !home.isBlank()) {
      return Optional.of(Path.of(home, "config.toml"));
    }
    String user = env.get("HOME");
    return user == null || user.isBlank()
        ? Optional.empty()
        : Optional.of(Path.of(user, ".grove", "config.toml"));
  }

  /**
   * The environment variables that hold model keys: every provider's {@code api-key-env}, the usual
   * ones included. Their values are secrets (see {@link dev.grove.secrets.Secrets#of}).
   */
  public Set<String> keyVariables() {
    Set<String> names = new java.util.TreeSet<>();
    providers.values().forEach(p -> p.apiKeyEnv().ifPresent(names::add));
    return names;
  }

  /**
   * This config with {@code --base-url}: it applies to whichever provider the created spec names.
   */
  public ModelConfig withBaseUrl(String url) {
    return new ModelConfig(
        defaultModel,
        timeout,
        maxOutputTokens,
        retry,
        providers,
        prices,
        Optional.ofNullable(url).filter(u -> !u.isBlank()));
  }

  /**
   * The spec to use: {@code flag} (the {@code --model} option) if given, else {@code GROVE_MODEL},
   * else {@code [model] default}; a {@link ModelException.Kind#CONFIG} error saying how to give one
   * otherwise.
   */
  public String resolveSpec(String flag, Map<String, String> env) {
    if (flag != null && !flag.isBlank()) {
      return flag;
    }
    String fromEnv = env.get("GROVE_MODEL");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    return defaultModel.orElseThrow(
        () ->
            ModelException.config(
                "no model given: pass --model SPEC (e.g. openai:gpt-4.1, anthropic:claude-sonnet-4-5, ollama:qwen3, "
                    + "scripted:FILE), set GROVE_MODEL, or set default under [model] in .grove/config.toml"));
  }

  private static ObjectNode builtInTree() {
    try (InputStream in = ModelConfig.class.getResourceAsStream("prices.toml")) {
      JsonNode tree =
          TOML.readTree(Objects.requireNonNull(in, "prices.toml is missing from the jar"));
      return (ObjectNode) tree.path("model");
    } catch (IOException e) {
      throw new IllegalStateException("grove's built-in price table cannot be read", e);
    }
  }

  private static Optional<ObjectNode> read(Path file) {
    if (file == null || !Files.exists(file)) {
      return Optional
          .empty(); // also when a directory above it is not one (a file named .grove came with a
      // commit)
    }
    JsonNode tree;
    try {
      tree = TOML.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (JacksonException e) {
      throw ModelException.config(
          "config file " + file + " is not valid TOML: " + Script.problem(e));
    } catch (IOException e) {
      throw ModelException.config("config file " + file + " cannot be read: " + e);
    }
    JsonNode model = tree == null ? null : tree.get("model");
    if (model == null) {
      return Optional.empty();
    }
    if (!model.isObject()) {
      throw ModelException.config(
          "config file " + file + ": model must be a table ([model]), not a value");
    }
    return Optional.of((ObjectNode) model);
  }

  /**
   * Lays {@code top} over {@code base} table by table (a price entry is replaced whole); returns
   * {@code base}.
   */
  private static ObjectNode merge(ObjectNode base, ObjectNode top) {
    for (Iterator<Map.Entry<String, JsonNode>> it = top.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode under = base.get(e.getKey());
      if (under instanceof ObjectNode u
          && e.getValue() instanceof ObjectNode o
          && !e.getKey().equals("prices")) {
        merge(u, o);
      } else if (under instanceof ObjectNode u && e.getValue() instanceof ObjectNode o) {
        o.properties()
            .iterator()
            .forEachRemaining(price -> u.set(price.getKey(), price.getValue().deepCopy()));
      } else {
        base.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return base;
  }

  private static ModelConfig interpret(ObjectNode model, String where) {
    Keys k = new Keys(where, "[model]");
    k.only(model, MODEL_KEYS);
    Optional<String> def = k.string(model, "default");
    Duration timeout = k.duration(model, "timeout").orElse(DEFAULT_TIMEOUT);
    Optional<Integer> maxOut = k.positiveInt(model, "max-output-tokens");

    RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    JsonNode r = model.get("retry");
    if (r != null) {
      Keys rk = new Keys(where, "[model.retry]");
      rk.table(r);
      rk.only(r, RETRY_KEYS);
      retryPolicy =
          rk.build(
              () ->
                  new RetryPolicy(
                      rk.positiveInt(r, "max-attempts").orElse(RetryPolicy.DEFAULT.maxAttempts()),
                      rk.duration(r, "initial-delay").orElse(RetryPolicy.DEFAULT.initialDelay()),
                      rk.duration(r, "max-delay").orElse(RetryPolicy.DEFAULT.maxDelay()),
                      rk.duration(r, "max-retry-after").orElse(RetryPolicy.DEFAULT.maxRetryAfter()),
                      RetryPolicy.DEFAULT.jitter()));
    }

    Map<String, ProviderConfig> providers = new TreeMap<>();
    for (ProviderConfig.Protocol p : ProviderConfig.Protocol.values()) {
      providers.put(p.wireName(), ProviderConfig.builtIn(p));
    }
    JsonNode ps = model.get("providers");
    if (ps != null) {
      k.table(ps);
      for (Iterator<Map.Entry<String, JsonNode>> it = ps.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        providers.put(e.getKey(), provider(e.getKey(), e.getValue(), where));
      }
    }

    Map<String, Price> table = new LinkedHashMap<>();
    JsonNode prices = model.get("prices");
    if (prices != null) {
      k.table(prices);
      for (Iterator<Map.Entry<String, JsonNode>> it = prices.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        Keys pk = new Keys(where, "[model.prices] \"" + e.getKey() + "\"");
        pk.table(e.getValue());
        pk.only(e.getValue(), PRICE_KEYS);
        double in = pk.amount(e.getValue(), "input");
        double out = pk.amount(e.getValue(), "output");
        table.put(e.getKey(), new Price(in, out));
      }
    }
    RetryPolicy retry = retryPolicy;
    return k.build(
        () ->
            new ModelConfig(
                def, timeout, maxOut, retry, providers, new Prices(table), Optional.empty()));
  }

  private static ProviderConfig provider(String name, JsonNode p, String where) {
    Keys k = new Keys(where, "[model.providers." + name + "]");
    k.table(p);
    if (p.has("api-key")) {
      throw ModelException.config(
          k.at("api-key")
              + ": API keys are never read from files; put the key in an "
              + "environment variable and name it with api-key-env = \"VARIABLE\"");
    }
    k.only(p, PROVIDER_KEYS);
    Optional<String> protocolName = k.string(p, "protocol");
    ProviderConfig.Protocol protocol =
        protocolName
            .map(
                s ->
                    ProviderConfig.Protocol.parse(s)
                        .orElseThrow(
                            () ->
                                ModelException.config(
                                    k.at("protocol")
                                        + ": '"
                                        + s
                                        + "' is not a protocol grove speaks (openai, anthropic or ollama)")))
            .or(() -> ProviderConfig.Protocol.parse(name))
            .orElseThrow(
                () ->
                    ModelException.config(
                        k.where()
                            + ": say which protocol it speaks: "
                            + "protocol = \"openai\" (also for OpenAI-compatible servers), \"anthropic\" or \"ollama\""));
    Optional<String> keyEnv = k.string(p, "api-key-env");
    if (keyEnv.isEmpty() && name.equals(protocol.wireName())) {
      keyEnv = Optional.ofNullable(protocol.defaultKeyEnv);
    }
    Optional<String> finalKeyEnv = keyEnv.filter(s -> !s.isBlank());
    Optional<String> baseUrl = k.string(p, "base-url");
    return k.build(() -> new ProviderConfig(name, protocol, baseUrl, finalKeyEnv));
  }

  /** Reads typed values from one table, with errors naming the file, table and key. */
  private record Keys(String file, String table) {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    String where() {
      return "config " + file + " " + table;
    }

    String at(String key) {
      return where() + " " + key;
    }

    void table(JsonNode n) {
      if (!n.isObject()) {
        throw ModelException.config(where() + " must be a table, not " + n);
      }
    }

    void only(JsonNode n, Set<String> allowed) {
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!allowed.contains(key)) {
          throw ModelException.config(
              where()
                  + ": unknown key '"
                  + key
                  + "' (known: "
                  + String.join(", ", new java.util.TreeSet<>(allowed))
                  + ")");
        }
      }
    }

    Optional<String> string(JsonNode n, String key) {
      JsonNode v = n.get(key);
      if (v == null) {
        return Optional.empty();
      }
      if (!v.isTextual()) {
        throw ModelException.config(at(key) + " must be a string, not " + v);
      }
      return Optional.of(v.asText());
    }

    Optional<Integer> positiveInt(JsonNode n, String key) {
      JsonNode v = n.get(key);
      if (v == null) {
        return Optional.empty();
      }
      if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
        throw ModelException.config(at(key) + " must be a whole number of at least 1, not " + v);
      }
      return Optional.of(v.asInt());
    }

    double amount(JsonNode n, String key) {
      JsonNode v = n.get(key);
      if (v == null || !v.isNumber() || v.asDouble() < 0) {
        throw ModelException.config(
            at(key)
                + " must be a number of dollars per million tokens, >= 0"
                + (v == null ? " (it is missing)" : ", not " + v));
      }
      return v.asDouble();
    }

    /** "500ms", "30s", "5m", "1h", or a number of seconds. */
    Optional<Duration> duration(JsonNode n, String key) {
      JsonNode v = n.get(key);
      if (v == null) {
        return Optional.empty();
      }
      if (v.isIntegralNumber() && v.asLong() >= 0) {
        return Optional.of(Duration.ofSeconds(v.asLong()));
      }
      Matcher m = DURATION.matcher(v.asText().trim());
      if (!v.isTextual() || !m.matches()) {
        throw ModelException.config(
            at(key) + " must be a duration like \"500ms\", \"30s\", \"5m\" or \"1h\", not " + v);
      }
      long amount = Long.parseLong(m.group(1));
      return Optional.of(
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
          });
    }

    <T> T build(java.util.function.Supplier<T> make) {
      try {
        return make.get();
      } catch (IllegalArgumentException e) {
        throw ModelException.config(where() + ": " + e.getMessage());
      }
    }
  }
}
