package dev.grove.cli;

import dev.grove.agent.Agent;
import dev.grove.agent.CodingTools;
import dev.grove.forge.Forges;
import dev.grove.orchestrator.LaneState;
import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.RunConfig;
import dev.grove.orchestrator.RunStatus;
import dev.grove.orchestrator.Workbench;
import dev.grove.sandbox.Backend;
import dev.grove.sandbox.Sandboxes;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Flags shared by every command that runs agents: where, with which model, how confined, how far.
 */
final class WorkOptions {
  @Mixin RepoOption repo;

  @Option(
      names = "--model",
      paramLabel = "SPEC",
      description =
          "The model: openai:gpt-…, anthropic:claude-…, ollama:…, scripted:FILE, replay:SESSION (default: GROVE_MODEL, then config.toml).")
  String model;

  @Option(
      names = "--base-url",
      paramLabel = "URL",
      description = "The model provider's base URL (an OpenAI-compatible server, a proxy).")
  String baseUrl;

  @Option(
      names = "--sandbox",
      paramLabel = "KIND",
      description =
          "How agents' commands are confined: bubblewrap (default) or none (not confined; warns every run).")
  String sandbox;

  @Option(
      names = "--network",
      description = "Let agents' commands use the network (dependency downloads).")
  Boolean network;

  @Option(
      names = "--max-steps",
      paramLabel = "N",
      description = "Model calls per agent (default 60).")
  Integer maxSteps;

  @Option(
      names = "--max-cost",
      paramLabel = "USD",
      description = "Dollars per agent (default: no limit).")
  Double maxCost;

  @Option(
      names = "--max-minutes",
      paramLabel = "N",
      description = "Wall-clock minutes per agent (default 30).")
  Integer maxMinutes;

  @Option(
      names = "--command-timeout",
      paramLabel = "SECONDS",
      description = "Default timeout of an agent's command (default 300).")
  Integer commandTimeout;

  @Option(
      names = "--setup",
      paramLabel = "CMD",
      description =
          "A shell command to run in each new worktree (in the sandbox, with the network), e.g. \"npm ci\".")
  String setup;

  Path repo(Context ctx) {
    return repo.dir(ctx);
  }

  /**
   * config.toml's [run]: the project's (its sensitive settings only if trusted) over the user's.
   */
  RunConfig config(Context ctx) {
    Path top = dev.grove.orchestrator.Runs.mainCheckout(repo(ctx));
    return RunConfig.load(
        top.resolve(".grove").resolve("config.toml"),
        ctx.groveHome().resolve("config.toml"),
        dev.grove.orchestrator.ProjectTrust.at(ctx.groveHome()),
        ctx::warn);
  }

  /**
   * Opens the repository's workbench; prints the sandbox warning when commands are not confined.
   */
  Workbench open(Context ctx, RunConfig config) {
    Backend backend =
        sandbox == null
            ? Sandboxes.defaultBackend()
            : switch (sandbox.toLowerCase(Locale.ROOT)) {
              case "bubblewrap", "bwrap" -> Backend.BUBBLEWRAP;
              case "none" -> Backend.NONE;
              default ->
                  throw Exits.usage("--sandbox must be bubblewrap or none, not '" + sandbox + "'");
            };
    int steps =
        maxSteps != null
            ? maxSteps
            : config.maxSteps() != null ? config.maxSteps() : Agent.Limits.defaults().maxSteps();
    double cost = maxCost != null ? maxCost : config.maxCost() != null ? config.maxCost() : 0;
    Duration wall =
        maxMinutes != null ? Duration.ofMinutes(maxMinutes) : Agent.Limits.defaults().wallTime();
    boolean net = network != null ? network : config.network() != null && config.network();
    Duration timeout =
        commandTimeout != null
            ? Duration.ofSeconds(commandTimeout)
            : CodingTools.Options.defaults().commandTimeout();
    if (steps < 0 || cost < 0 || wall.isNegative() || timeout.isNegative() || timeout.isZero()) {
      throw Exits.usage("limits must be positive");
    }
    Workbench wb =
        Workbench.open(
            new Workbench.Settings(
                repo(ctx),
                ctx.groveHome(),
                ctx.userHome(),
                ctx.env(),
                ctx.clock(),
                backend,
                model,
                baseUrl,
                new Agent.Limits(steps, 0, cost, wall),
                new CodingTools.Options(timeout, net, Map.of()),
                setup != null ? setup : config.setup()));
    wb.sandboxWarning().ifPresent(ctx::warn);
    wb.notices().forEach(ctx::warn);
    return wb;
  }

  /**
   * The workbench of a command that tidies up after runs (merge, clean) and runs no agent: no
   * model, and no sandbox to set up (none of its commands runs one).
   */
  static Workbench tidy(Context ctx, RepoOption repo) {
    Workbench wb =
        Workbench.open(
            new Workbench.Settings(
                repo.dir(ctx),
                ctx.groveHome(),
                ctx.userHome(),
                ctx.env(),
                ctx.clock(),
                Backend.NONE,
                null,
                null,
                null,
                null));
    wb.notices().forEach(ctx::warn);
    return wb;
  }

  /** A run's options: the flags given, else config.toml's [run], else the defaults. */
  static Orchestrator.Options runOptions(
      RunConfig config,
      String base,
      Integer parallel,
      Integer retries,
      String verify,
      String remote,
      String forge,
      URI forgeUrl,
      boolean ship) {
    return new Orchestrator.Options(
        base,
        parallel != null ? parallel : config.parallel() != null ? config.parallel() : 4,
        retries != null ? retries : config.retries() != null ? config.retries() : 0,
        verify != null ? verify : config.verify(),
        remote != null ? remote : config.remote(),
        new Forges.Settings(
            forge != null ? forge : config.forge(),
            forgeUrl != null
                ? forgeUrl
                : config.forgeUrl() == null ? null : URI.create(config.forgeUrl()),
            config.forgeTokenEnv(),
            null),
        ship);
  }

  /**
   * Runs {@code body} with Ctrl-C stopping the run cleanly: each agent records that it stopped, the
   * run records that it was interrupted, and stderr gets what each lane reached and the command
   * that carries on.
   */
  static <T> T stoppable(
      Context ctx, Path repo, Orchestrator run, java.util.function.Supplier<T> body) {
    Thread hook =
        Thread.ofPlatform()
            .unstarted(
                () -> {
                  run.stop();
                  ctx.err().println(stoppedSummary(ctx, repo, run.runId(), run.status()));
                  ctx.err().flush();
                });
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return body.get();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is stopping the run
      }
    }
  }

  /** What a stopped run reached, and the command that carries on from there. */
  static String stoppedSummary(Context ctx, Path repo, String runId, RunStatus status) {
    StringBuilder counts = new StringBuilder();
    for (LaneState s : LaneState.values()) {
      long n = status.count(s);
      if (n > 0) {
        counts.append(counts.isEmpty() ? "" : ", ").append(n).append(' ').append(s.label());
      }
    }
    boolean here = ctx.cwd().startsWith(repo.toAbsolutePath().normalize());
    return "grove: stopped run "
        + runId
        + (counts.isEmpty() ? "" : " (" + counts + ")")
        + "; nothing recorded is lost. Carry on with:\n  grove resume "
        + runId
        + (here ? "" : " --repo " + repo.toAbsolutePath().normalize());
  }
}
