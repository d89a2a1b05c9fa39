package dev.grove.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.RunConfig;
import dev.grove.orchestrator.RunStatus;
import dev.grove.orchestrator.Task;
import dev.grove.orchestrator.Workbench;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "run",
    description = {
      "Give tasks to agents that work in parallel, each in its own worktree on task/<slug> and its own lane of the "
          + "run's session file, kept in the repository's git directory. What finishes is committed, verified "
          + "(--verify) and then pushed and proposed as a pull request; what fails can be forked (grove fork) or is "
          + "retried (--retries).%n",
      "Ctrl-C stops the agents cleanly; grove resume carries on."
    },
    footer = {
      "",
      "Examples:",
      "  grove run \"Fix the login bug\" \"Add search\" \\",
      "      --model openai:gpt-4.1 --verify \"mvn -q test\"",
      "  grove run --tasks tasks.json --parallel 8 --retries 1 --forge github",
      "  grove run --plan \"Make the checkout flow accessible\" \\",
      "      --model anthropic:claude-sonnet-4-5"
    })
final class RunCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(paramLabel = "TASK", arity = "0..*", description = "Tasks, one agent each.")
  List<String> tasks = new ArrayList<>();

  @Option(
      names = "--tasks",
      paramLabel = "FILE",
      description =
          "More tasks: one per line (# comments), or a JSON array of {slug, task, verify}.")
  Path tasksFile;

  @Option(
      names = "--plan",
      paramLabel = "GOAL",
      description =
          "An orchestrator agent splits GOAL into tasks and manages them (spawn, wait, fork, open pull requests).")
  String plan;

  @Option(names = "--parallel", paramLabel = "N", description = "Agents at once (default 4).")
  Integer parallel;

  @Option(
      names = "--retries",
      paramLabel = "N",
      description =
          "Fork a failed lane automatically, from just before its bad decision, with a hint (default 0).")
  Integer retries;

  @Option(
      names = "--verify",
      paramLabel = "CMD",
      description =
          "A shell command that must pass in the worktree (in the sandbox) before work ships.")
  String verify;

  @Option(
      names = "--forge",
      paramLabel = "KIND",
      description =
          "Where pull requests open: github, gitlab, gitea (forgejo) or local (default; the branch on the remote is the proposal, grove merge merges it).")
  String forge;

  @Option(
      names = "--forge-url",
      paramLabel = "URL",
      description = "The forge's API base (GitHub Enterprise, self-hosted GitLab or Gitea).")
  URI forgeUrl;

  @Option(
      names = "--remote",
      paramLabel = "NAME",
      description = "The git remote branches are pushed to (default origin).")
  String remote;

  @Option(
      names = "--base",
      paramLabel = "REF",
      description =
          "The branch agents start from and pull requests target (default: the current branch).")
  String base;

  @Option(
      names = "--ship",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Ship finished work: commit, verify, push and open a pull request (the default). With --no-ship, "
              + "stop after the verified commit on the lane's local branch.")
  boolean ship = true;

  @Mixin JsonFlag json;

  @Mixin WorkOptions work;

  RunCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException {
    List<Task> all = new ArrayList<>();
    tasks.forEach(t -> all.add(Task.of(t)));
    if (tasksFile != null) {
      all.addAll(readTasks(ctx.path(tasksFile)));
    }
    if (plan == null && all.isEmpty()) {
      throw Exits.usage(
          "give tasks (grove run \"Fix the login bug\" …), --tasks FILE, or --plan GOAL");
    }
    if (plan != null && !all.isEmpty()) {
      throw Exits.usage(
          "--plan lets the orchestrator agent choose the tasks; give tasks or --plan, not both");
    }
    RunConfig config = work.config(ctx);
    Workbench wb = work.open(ctx, config);
    Orchestrator.Options options =
        WorkOptions.runOptions(
            config, base, parallel, retries, verify, remote, forge, forgeUrl, ship);
    Progress progress = new Progress(ctx, json.json);
    try (Orchestrator run =
        Orchestrator.start(wb, options, progress, plan == null ? "tasks" : "plan")) {
      progress.say(
          "run "
              + run.runId()
              + ": "
              + (plan == null
                  ? all.size() + " task" + (all.size() == 1 ? "" : "s")
                  : "orchestrator agent")
              + ", model "
              + wb.modelSpec(null)
              + ", session "
              + run.session().file());
      RunStatus status =
          WorkOptions.stoppable(
              ctx, wb.repo(), run, () -> plan == null ? run.runTasks(all) : run.plan(plan, null));
      progress.done();
      StatusCommand.print(ctx, status, json.json);
      return status.succeeded() ? Exits.OK : Exits.FAILED;
    }
  }

  static List<Task> readTasks(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw Exits.notFound("no tasks file " + file);
    }
    String text = Files.readString(file);
    List<Task> out = new ArrayList<>();
    if (file.toString().endsWith(".json")) {
      JsonNode arr;
      try {
        arr = Json.MAPPER.readTree(text);
      } catch (IOException e) {
        throw Exits.usage(
            file + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
      }
      if (arr == null || !arr.isArray()) {
        throw Exits.usage(
            file + " must hold a JSON array of {\"slug\", \"task\", \"verify\"} objects");
      }
      int n = 0;
      for (JsonNode t : arr) {
        n++;
        JsonNode taskText = t.isTextual() ? t : t.get("task");
        if (taskText == null || !taskText.isTextual() || taskText.asText().isBlank()) {
          throw Exits.usage(file + " item " + n + " has no \"task\"");
        }
        out.add(
            new Task(
                t.path("slug").asText(null), taskText.asText(), t.path("verify").asText(null)));
      }
    } else {
      for (String line : text.lines().toList()) {
        String l = line.strip();
        if (!l.isEmpty() && !l.startsWith("#")) {
          out.add(Task.of(l));
        }
      }
    }
    if (out.isEmpty()) {
      throw Exits.usage(file + " has no tasks");
    }
    return out;
  }
}
