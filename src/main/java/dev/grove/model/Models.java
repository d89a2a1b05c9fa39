package dev.grove.model;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** Creates chat models from specs. Everything a model needs from the world is passed in. */
public final class Models {
  private Models() {}

  /** Waits between retries; tests pass one that records instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    void sleep(Duration d) throws InterruptedException;
  }

  /**
   * What models take from the world besides config and environment.
   *
   * @param sleeper how to wait between retries
   * @param clock for {@code Retry-After} dates
   * @param random for the jitter of retry waits and ids of tool calls a provider left without one;
   *     shared by every model made with these options, so it must be thread-safe when they run on
   *     several threads (the default, a {@link java.security.SecureRandom}, is)
   * @param cwd where relative paths in {@code scripted:} and {@code replay:} specs are resolved
   */
  public record Options(Sleeper sleeper, Clock clock, RandomGenerator random, Path cwd) {
    public Options {
      Objects.requireNonNull(sleeper, "sleeper");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(random, "random");
      Objects.requireNonNull(cwd, "cwd");
    }

    public static Options defaults(Path cwd) {
      return new Options(Sleeper.REAL, Clock.systemUTC(), new java.security.SecureRandom(), cwd);
    }

    public Options withSleeper(Sleeper s) {
      return new Options(s, clock, random, cwd);
    }

    public Options withClock(Clock c) {
      return new Options(sleeper, c, random, cwd);
    }
  }

  /**
   * Creates the model {@code spec} names (see {@link ModelSpec}). API keys are read from {@code
   * env} (the variable the provider's config names), as are the usual base-URL variables of the
   * built-in providers. Throws {@link ModelException} ({@link ModelException.Kind#CONFIG} or {@link
   * ModelException.Kind#SCRIPT}) when the model cannot be made: an unknown provider, a missing key,
   * a bad script.
   */
  public static ChatModel create(
      String spec, ModelConfig config, Map<String, String> env, Options options) {
    ModelSpec s = ModelSpec.parse(spec);
    return switch (s.provider()) {
      case "scripted" ->
          ScriptedModel.load(options.cwd().resolve(s.name()), "scripted:" + s.name());
      case "replay" -> ReplayModel.load(options.cwd(), s.name());
      default -> ProviderModel.create(s, config, env, options);
    };
  }

  /**
   * {@link #create(String, ModelConfig, Map, Options)} with real sleeping; relative paths from the
   * working directory.
   */
  public static ChatModel create(String spec, ModelConfig config, Map<String, String> env) {
    return create(spec, config, env, Options.defaults(Path.of("").toAbsolutePath()));
  }

  /**
   * {@link #create(String, ModelConfig, Map, Options)} with real sleeping, the system clock, paths
   * from {@code cwd}.
   */
  public static ChatModel create(
      String spec, ModelConfig config, Map<String, String> env, Path cwd) {
    return create(spec, config, env, Options.defaults(cwd));
  }
}
