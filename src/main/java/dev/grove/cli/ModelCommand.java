package dev.grove.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.model.ChatModel;
import dev.grove.model.ModelConfig;
import dev.grove.model.ModelReply;
import dev.grove.model.ModelRequest;
import dev.grove.model.Models;
import dev.grove.session.Body;
import dev.grove.session.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "model",
    description = "Chat models: check that one answers.",
    subcommands = {ModelCommand.Check.class},
    footer = {
      "",
      "Specs: openai:MODEL, anthropic:MODEL, ollama:MODEL, scripted:FILE, replay:SESSION[#ENTRY],",
      "or NAME:MODEL for a provider under [model.providers.NAME] in .grove/config.toml. See README, Models."
    })
final class ModelCommand implements Runnable {
  /**
   * The model settings for the repository holding {@code dir}: its .grove/config.toml (the settings
   * that decide where keys go only if the user trusts the file) over the user's.
   */
  static ModelConfig modelConfig(Context ctx, Path dir) {
    Path top = dev.grove.orchestrator.Runs.mainCheckout(dir);
    Path project = ModelConfig.projectFile(top);
    return ModelConfig.load(
        project,
        ModelConfig.userFile(ctx.env()).orElse(null),
        dev.grove.orchestrator.ProjectTrust.at(ctx.groveHome()).trusts(project),
        ctx::warn);
  }

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * {@code --model}, {@code --base-url} and {@code --repo}: how a command picks and configures its
   * model.
   */
  static final class ModelOptions {
    @Option(
        names = "--model",
        paramLabel = "SPEC",
        description = "The model (default: GROVE_MODEL, else [model] default in config.toml).")
    String model;

    @Option(
        names = "--base-url",
        paramLabel = "URL",
        description =
            "Send requests here instead (an OpenAI-compatible server, a proxy, a local Ollama).")
    String baseUrl;

    @Mixin RepoOption repo;

    ModelConfig config(Context ctx) {
      return modelConfig(ctx, repo.dir(ctx)).withBaseUrl(baseUrl);
    }

    ChatModel create(Context ctx) {
      ModelConfig config = config(ctx);
      return Models.create(
          config.resolveSpec(model, ctx.env()),
          config,
          ctx.env(),
          Models.Options.defaults(ctx.cwd()).withClock(ctx.clock()));
    }
  }

  @Command(
      name = "check",
      description = {
        "Send one small request to a model and print its reply, tokens and cost.",
        "Useful to check a key, a base URL or a script before running agents."
      })
  static final class Check implements Callable<Integer> {
    private final Context ctx;

    @Mixin ModelOptions options;

    @Option(
        names = "--prompt",
        paramLabel = "TEXT",
        defaultValue = "Say hello in five words.",
        description = "What to ask (default: ${DEFAULT-VALUE}).")
    String prompt;

    @Mixin JsonFlag json;

    Check(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      ChatModel model = options.create(ctx);
      Instant start = ctx.clock().instant();
      ModelReply reply =
          model.chat(
              new ModelRequest(
                  List.of(
                      Body.Message.of(
                          Role.SYSTEM,
                          "You are being checked for connectivity. Answer in one short sentence."),
                      Body.Message.of(Role.USER, prompt)),
                  List.of()));
      long millis = Duration.between(start, ctx.clock().instant()).toMillis();
      if (json.json) {
        ObjectNode o = Json.object();
        o.put("spec", model.name());
        o.put("model", reply.model());
        o.put("text", reply.text());
        o.put("toolCalls", reply.toolCalls().size());
        o.put("inputTokens", reply.usage().inputTokens());
        o.put("outputTokens", reply.usage().outputTokens());
        o.put("cost", reply.usage().cost());
        o.put("seconds", millis / 1000.0);
        Json.print(ctx.out(), o);
      } else {
        ctx.out().println("model   " + reply.model());
        ctx.out().println("reply   " + (reply.text() == null ? "(no text)" : reply.text().strip()));
        if (!reply.toolCalls().isEmpty()) {
          ctx.out()
              .println(
                  "calls   "
                      + reply.toolCalls().stream()
                          .map(c -> c.name() + " " + c.arguments())
                          .toList());
        }
        ctx.out()
            .println(
                "tokens  "
                    + reply.usage().inputTokens()
                    + " in, "
                    + reply.usage().outputTokens()
                    + " out");
        ctx.out().println("cost    " + String.format(Locale.ROOT, "$%.6f", reply.usage().cost()));
        ctx.out().println("time    " + millis + " ms");
      }
      return Exits.OK;
    }
  }
}
