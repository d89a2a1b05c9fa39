package dev.grove.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.grove.orchestrator.ProjectTrust;
import dev.grove.orchestrator.Runs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "trust",
    description = {
      "Trust this repository's grove files as they are now, so that their settings "
          + "that decide where secrets and data go are honoured.",
      "A repository's .grove/config.toml and .groveinclude can arrive with a branch, a push or a clone. Until you trust "
          + "them, grove ignores (with a warning) their default model, model providers (a provider's base-url, api-key-env and protocol, or a provider of their own), the forge, its URL and "
          + "token variable, the remote, network, verify and setup settings, and the files .groveinclude would copy into "
          + "agents' worktrees. Trust is recorded per file by its content's SHA-256 in GROVE_HOME/trusted.json: any "
          + "change to a file needs trusting again. Review first with --show."
    })
final class TrustCommand implements Callable<Integer> {
  private static final TomlMapper TOML = new TomlMapper();
  private static final Set<String> SENSITIVE_RUN =
      Set.of("verify", "setup", "remote", "network", "forge", "forge-url", "forge-token-env");
  private final Context ctx;

  @Option(
      names = "--show",
      description = "Show the files, whether they are trusted, and what they set; change nothing.")
  boolean show;

  @Option(
      names = "--revoke",
      description = "Stop trusting the files: their sensitive settings are ignored again.")
  boolean revoke;

  @Mixin RepoOption repo;
  @Mixin JsonFlag json;

  TrustCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (show && revoke) {
      throw Exits.usage("give --show or --revoke, not both");
    }
    Path top = Runs.mainCheckout(repo.dir(ctx));
    ProjectTrust trust = ProjectTrust.at(ctx.groveHome());
    ArrayNode out = Json.array();
    for (Path rel : ProjectTrust.FILES) {
      Path file = top.resolve(rel);
      ProjectTrust.State before = trust.state(file);
      if (before == ProjectTrust.State.ABSENT) {
        continue;
      }
      List<String> settings = sensitive(file, rel);
      if (revoke) {
        trust.revoke(file);
      } else if (!show) {
        trust.trust(file);
      }
      ProjectTrust.State after = trust.state(file);
      ObjectNode o =
          out.addObject()
              .put("file", file.toString())
              .put("was", label(before))
              .put("now", label(after));
      settings.forEach(o.putArray("settings")::add);
      if (!json.json) {
        ctx.out()
            .println(
                file
                    + ": "
                    + (before == after ? label(after) : label(before) + " → " + label(after)));
        if (settings.isEmpty()) {
          ctx.out().println("  (nothing in it needs trust)");
        }
        settings.forEach(s -> ctx.out().println("  " + s));
      }
    }
    if (json.json) {
      Json.print(ctx.out(), out);
    } else if (out.isEmpty()) {
      ctx.out()
          .println(
              "no project files in "
                  + top
                  + " ("
                  + String.join(", ", ProjectTrust.FILES.stream().map(Path::toString).toList())
                  + "): nothing to trust");
    } else if (show) {
      ctx.out().println("(nothing changed; run grove trust to trust these files as they are)");
    }
    return Exits.OK;
  }

  private static String label(ProjectTrust.State s) {
    return switch (s) {
      case ABSENT -> "absent";
      case TRUSTED -> "trusted";
      case CHANGED -> "changed since trusted";
      case UNTRUSTED -> "not trusted";
    };
  }

  /** What the file sets that needs trust, one line each, as the user would write it. */
  private List<String> sensitive(Path file, Path rel) {
    List<String> lines = new ArrayList<>();
    try {
      if (rel.getFileName().toString().equals(".groveinclude")) {
        for (String l : Files.readString(file, StandardCharsets.UTF_8).lines().toList()) {
          if (!l.isBlank() && !l.strip().startsWith("#")) {
            lines.add("copies into every worktree: " + l.strip());
          }
        }
        return lines;
      }
      JsonNode root = TOML.readTree(file.toFile());
      for (Iterator<Map.Entry<String, JsonNode>> it = root.path("run").properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (SENSITIVE_RUN.contains(e.getKey())) {
          lines.add("[run] " + e.getKey() + " = " + e.getValue());
        }
      }
      if (root.path("model").has("default")) {
        lines.add("[model] default = " + root.path("model").get("default"));
      }
      for (Iterator<Map.Entry<String, JsonNode>> it =
              root.path("model").path("providers").properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        for (Iterator<Map.Entry<String, JsonNode>> f = p.getValue().properties().iterator();
            f.hasNext(); ) {
          Map.Entry<String, JsonNode> e = f.next();
          lines.add("[model.providers." + p.getKey() + "] " + e.getKey() + " = " + e.getValue());
        }
      }
    } catch (IOException e) {
      lines.add("(cannot read it: " + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    return lines;
  }
}
