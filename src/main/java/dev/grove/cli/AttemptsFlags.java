package dev.grove.cli;

import dev.grove.orchestrator.AttemptsConfig;
import dev.grove.orchestrator.AttemptsPlan;
import dev.grove.orchestrator.OrchestratorException;
import dev.grove.orchestrator.ProjectTrust;
import dev.grove.orchestrator.Runs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --attempts N --models a,b --judge SPEC --weight NAME=W}: several agents per task (or
 * fork), scored, the best shipped. Over {@code [attempts]} of config.toml.
 */
final class AttemptsFlags {
  @Option(
      names = "--attempts",
      paramLabel = "N",
      description =
          "Give each task (or the fork) to N agents at once, each in its own lane, worktree and "
              + "branch; when all have ended they are scored (verification must pass; then diff "
              + "size, cost, time, scoring commands and the judge) and the best ships. The others "
              + "keep their branches (grove attempts RUN SLUG shows the choice). Default: "
              + "[attempts] count, else 1.")
  Integer attempts;

  @Option(
      names = "--models",
      paramLabel = "SPEC,SPEC",
      split = ",",
      description = "Spread the attempts over these models, in turn (default: --model).")
  List<String> models;

  @Option(
      names = "--judge",
      paramLabel = "SPEC",
      description =
          "A model that reads the task and the candidates' diffs and ranks them with its reasons "
              + "(default: [attempts] judge, else none).")
  String judge;

  @Option(
      names = "--weight",
      paramLabel = "SCORER=W",
      description =
          "A scorer's weight: diff (default 1), cost (0.5), time (0.25), judge (2) or a scoring "
              + "command of [attempts.commands]; 0 turns it off. Repeatable.")
  Map<String, Double> weights = new LinkedHashMap<>();

  /**
   * The plan: these flags over {@code [attempts]} of the project's config (its models, judge and
   * commands only when trusted) over the user's.
   */
  AttemptsPlan plan(Context ctx, Path repo) {
    Path top = Runs.mainCheckout(repo);
    AttemptsConfig config =
        AttemptsConfig.load(
            top.resolve(".grove").resolve("config.toml"),
            ctx.groveHome().resolve("config.toml"),
            ProjectTrust.at(ctx.groveHome()),
            ctx::warn);
    List<String> m = new ArrayList<>();
    if (models != null) {
      models.stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(m::add);
    }
    try {
      return config.plan(attempts, m.isEmpty() ? null : m, judge, weights);
    } catch (OrchestratorException | IllegalArgumentException e) {
      throw Exits.usage(e.getMessage());
    }
  }
}
