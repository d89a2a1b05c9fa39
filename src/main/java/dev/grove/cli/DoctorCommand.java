package dev.grove.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.sandbox.Backend;
import dev.grove.sandbox.CommandRequest;
import dev.grove.sandbox.CommandResult;
import dev.grove.sandbox.SandboxDoctor;
import dev.grove.sandbox.SandboxException;
import dev.grove.sandbox.Sandboxes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "doctor",
    description = {
      "Check that this machine can run grove, and say how to fix what is missing.",
      "%nChecks the JDK, git, bubblewrap and whether it can create its namespaces here; which protections a "
          + "sandboxed command really has, seen from inside one (uid 65534 inside, /proc and /sys read-only or hidden, "
          + "the seccomp filter and its architecture, no new user namespaces); how the processes and memory of "
          + "sandboxed commands are capped; and the model configuration. Prints what is missing with the command "
          + "that installs it."
    },
    footer = {"", "Exit: 0 if everything required is there, 1 if something is missing."})
final class DoctorCommand implements Callable<Integer> {
  private static final Pattern GIT_VERSION =
      Pattern.compile("git version (\\d+)\\.(\\d+).*", Pattern.DOTALL);

  enum Status {
    OK,
    WARN,
    FAIL,
    SKIP
  }

  record Check(String name, Status status, String detail, String fix) {}

  private final Context ctx;

  @Mixin JsonFlag json;

  DoctorCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    List<Check> checks = new ArrayList<>();
    checks.add(java());
    checks.add(git());
    for (SandboxDoctor.Finding f : SandboxDoctor.check(ctx.env())) {
      checks.add(new Check(f.name(), Status.valueOf(f.status().name()), f.detail(), f.fix()));
    }
    checks.add(model(ctx));
    checks.add(repository(ctx));
    boolean ok = checks.stream().noneMatch(c -> c.status() == Status.FAIL);
    if (json.json) {
      ObjectNode o = Json.object();
      o.put("ok", ok);
      ArrayNode arr = o.putArray("checks");
      for (Check c : checks) {
        ObjectNode n = arr.addObject();
        n.put("name", c.name());
        n.put("status", c.status().name().toLowerCase(Locale.ROOT));
        n.put("detail", c.detail());
        n.put("fix", c.fix().isEmpty() ? null : c.fix());
      }
      Json.print(ctx.out(), o);
    } else {
      for (Check c : checks) {
        String mark =
            switch (c.status()) {
              case OK -> "ok  ";
              case WARN -> "warn";
              case FAIL -> "FAIL";
              case SKIP -> "--  ";
            };
        ctx.out().printf("%s  %-11s %s%n", mark, c.name(), c.detail());
        if (!c.fix().isEmpty()) {
          ctx.out().printf("      %-11s fix: %s%n", "", c.fix());
        }
      }
      ctx.out()
          .println(
              ok ? "grove can run here." : "grove cannot run here yet: see the FAIL lines above.");
      ctx.out().flush();
    }
    return ok ? Exits.OK : Exits.FAILED;
  }

  /**
   * The repository around the current directory, if any: credentials in its git config (a token in
   * a remote's URL, an http.extraheader), and project files grove will not honour until they are
   * trusted.
   */
  static Check repository(Context ctx) {
    java.nio.file.Path top = dev.grove.orchestrator.Runs.mainCheckout(ctx.cwd());
    if (!java.nio.file.Files.exists(top.resolve(".git"))) {
      return new Check("repository", Status.SKIP, "not inside a git repository", "");
    }
    List<String> problems =
        new ArrayList<>(
            dev.grove.orchestrator.Workbench.credentialWarnings(
                new dev.grove.git.Git(ctx.env()).withoutHooks(), top));
    dev.grove.orchestrator.ProjectTrust trust =
        dev.grove.orchestrator.ProjectTrust.at(ctx.groveHome());
    for (java.nio.file.Path rel : dev.grove.orchestrator.ProjectTrust.FILES) {
      if (!trust.trusts(top.resolve(rel))) {
        problems.add(
            rel
                + " is not trusted: its settings that decide where secrets and data go are ignored");
      }
    }
    return problems.isEmpty()
        ? new Check("repository", Status.OK, top + ": no credentials in its git config", "")
        : new Check(
            "repository",
            Status.WARN,
            top + ": " + String.join("; ", problems),
            "Keep credentials in a credential helper (git help credential); review project files with "
                + "`grove trust --show`, then `grove trust`.");
  }

  private static Check java() {
    Runtime.Version v = Runtime.version();
    String detail =
        v
            + " ("
            + System.getProperty("java.vendor", "?")
            + ", "
            + System.getProperty("java.home")
            + ")";
    return v.feature() >= 21
        ? new Check("java", Status.OK, detail, "")
        : new Check(
            "java",
            Status.FAIL,
            detail + ": grove needs 21 or newer",
            "Install a JDK 21 or newer, e.g. `sudo apt-get install openjdk-21-jdk` or from https://adoptium.net.");
  }

  private Check git() {
    String install =
        "Install it: `sudo apt-get install git` (Debian, Ubuntu), `sudo dnf install git` (Fedora).";
    CommandResult r;
    try {
      // grove's own probe of the host's git: nothing of an agent's runs here, so no sandbox is
      // needed
      r =
          Sandboxes.create(Backend.NONE, SandboxCommand.policy(ctx, ctx.cwd()), ctx.env())
              .run(CommandRequest.of(ctx.cwd(), Duration.ofSeconds(10), "git", "--version"));
    } catch (SandboxException | IllegalArgumentException e) {
      return new Check("git", Status.FAIL, "cannot run git: " + e.getMessage(), install);
    }
    Matcher m = GIT_VERSION.matcher(r.stdout().text().strip());
    if (r.exitCode() != 0 || !m.matches()) {
      return new Check(
          "git",
          Status.FAIL,
          r.exitCode() == 127
              ? "not installed, or not on PATH"
              : "`git --version` said: " + (r.stdout().text() + r.stderr().text()).strip(),
          install);
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    String version = r.stdout().text().strip().substring("git version ".length());
    return major > 2 || major == 2 && minor >= 30
        ? new Check("git", Status.OK, version, "")
        : new Check(
            "git",
            Status.WARN,
            version + ": older than 2.30, which grove is tested with",
            "Upgrade git.");
  }

  /**
   * Which model runs by default, where it is reached, and whether its key is set (never the key).
   * Without a model grove still works offline with {@code scripted:} models.
   */
  static Check model(Context ctx) {
    Path repo = ctx.cwd();
    dev.grove.model.ModelConfig config;
    try {
      config = ModelCommand.modelConfig(ctx, repo);
    } catch (dev.grove.model.ModelException e) {
      return new Check("model", Status.FAIL, e.getMessage(), "Fix the config file it names.");
    }
    String spec;
    try {
      spec = config.resolveSpec(null, ctx.env());
    } catch (dev.grove.model.ModelException e) {
      return new Check(
          "model",
          Status.WARN,
          "no default model (GROVE_MODEL or [model] default in config.toml); "
              + "every run needs --model",
          "export GROVE_MODEL=openai:gpt-4.1 (or anthropic:…, ollama:…); "
              + "grove demo and scripted:FILE models need no key");
    }
    dev.grove.model.ModelSpec parsed;
    try {
      parsed = dev.grove.model.ModelSpec.parse(spec);
    } catch (RuntimeException e) {
      return new Check(
          "model", Status.FAIL, spec + ": " + e.getMessage(), "Give a spec like openai:gpt-4.1.");
    }
    if (parsed.provider().equals("scripted") || parsed.provider().equals("replay")) {
      return new Check("model", Status.OK, spec + " (offline, no key)", "");
    }
    dev.grove.model.ProviderConfig provider = config.providers().get(parsed.provider());
    if (provider == null) {
      return new Check(
          "model",
          Status.FAIL,
          spec
              + ": no provider '"
              + parsed.provider()
              + "' (known: "
              + String.join(", ", new java.util.TreeSet<>(config.providers().keySet()))
              + ")",
          "Add [model.providers."
              + parsed.provider()
              + "] to config.toml, or use a known provider.");
    }
    String where = provider.baseUrl().map(u -> " via " + u).orElse("");
    if (provider.apiKeyEnv().isEmpty()) {
      return new Check("model", Status.OK, spec + where + " (no key needed)", "");
    }
    String keyEnv = provider.apiKeyEnv().get();
    String key = ctx.env().get(keyEnv);
    if (key == null || key.isBlank()) {
      return new Check(
          "model",
          Status.FAIL,
          spec + where + ": its key variable " + keyEnv + " is not set",
          "export " + keyEnv + "=… (grove reads keys only from the environment)");
    }
    return new Check("model", Status.OK, spec + where + ", key from " + keyEnv + " (set)", "");
  }
}
