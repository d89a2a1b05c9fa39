package dev.grove.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Defaults for runs from the {@code [run]} table of {@code .grove/config.toml} (the project's) over
 * {@code GROVE_HOME/config.toml} (the user's); flags override both. Every key is optional:
 *
 * <pre>
 * [run]
 * parallel = 4            # agents at once
 * retries = 1             # automatic forks of a failed lane
 * verify = "mvn -q test"  # must pass in the worktree before work ships
 * remote = "origin"       # where branches are pushed
 * forge = "github"        # github, gitlab, gitea (forgejo) or local
 * forge-url = "https://ghe.example.com/api/v3"
 * forge-token-env = "GHE_TOKEN"
 * max-steps = 60          # per agent
 * max-cost = 2.50         # dollars per agent
 * network = false         # may agents' commands use the network
 * setup = "npm ci"        # runs in each new worktree (in the sandbox, with the network)
 * generated = ["__pycache__/", "*.pyc", "dist/"]   # new files that are build output: not shipped
 * budget = 20.0           # dollars the whole run may spend on models (every lane, attempt, judge)
 * radar = 5               # seconds between the conflict radar's looks at least; 0: no radar
 * </pre>
 *
 * <p>{@code generated} replaces grove's list of build-output patterns ({@link
 * dev.grove.git.Generated#DEFAULT}); {@code generated = []} ships every new file.
 *
 * <p>The settings that decide where secrets and data go or what runs ({@code verify}, {@code
 * setup}, {@code remote}, {@code network}, {@code forge}, {@code forge-url}, {@code
 * forge-token-env}) are honoured from the project's file only when the user trusts it ({@link
 * ProjectTrust}); otherwise they are ignored, with a warning.
 */
public record RunConfig(
    Integer parallel,
    Integer retries,
    String verify,
    String remote,
    String forge,
    String forgeUrl,
    String forgeTokenEnv,
    Integer maxSteps,
    Double maxCost,
    Boolean network,
    String setup,
    List<String> generated,
    Double budget,
    Integer radar) {
  private static final TomlMapper TOML = new TomlMapper();
  private static final Set<String> KEYS =
      Set.of(
          "parallel",
          "retries",
          "verify",
          "remote",
          "forge",
          "forge-url",
          "forge-token-env",
          "max-steps",
          "max-cost",
          "network",
          "setup",
          "generated",
          "budget",
          "radar");

  public static final RunConfig NONE =
      new RunConfig(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null);

  public RunConfig {
    if (budget != null && (!(budget >= 0) || budget.isInfinite())) {
      throw new OrchestratorException(
          "[run] budget must be an amount of dollars >= 0, not " + budget);
    }
    if (radar != null && radar < 0) {
      throw new OrchestratorException("[run] radar must be a number of seconds >= 0, not " + radar);
    }
  }

  /** Without a budget or a radar setting. */
  public RunConfig(
      Integer parallel,
      Integer retries,
      String verify,
      String remote,
      String forge,
      String forgeUrl,
      String forgeTokenEnv,
      Integer maxSteps,
      Double maxCost,
      Boolean network,
      String setup,
      List<String> generated) {
    this(
        parallel,
        retries,
        verify,
        remote,
        forge,
        forgeUrl,
        forgeTokenEnv,
        maxSteps,
        maxCost,
        network,
        setup,
        generated,
        null,
        null);
  }

  /**
   * The project file over the user file; missing files count as empty. Both are taken as trusted.
   */
  public static RunConfig load(Path projectFile, Path userFile) {
    return read(projectFile).over(read(userFile));
  }

  /**
   * The project file over the user file, the project's sensitive settings ignored unless {@code
   * trust} trusts the file as it is; each ignored setting is told to {@code warn}.
   */
  public static RunConfig load(
      Path projectFile,
      Path userFile,
      ProjectTrust trust,
      java.util.function.Consumer<String> warn) {
    RunConfig project = read(projectFile);
    if (!trust.trusts(projectFile)) {
      List<String> ignored = project.sensitive();
      if (!ignored.isEmpty()) {
        warn.accept(
            "ignoring "
                + String.join(", ", ignored.stream().map(k -> "[run] " + k).toList())
                + " in "
                + projectFile
                + ": the file is not trusted (it may have come with a branch or a clone); review it with "
                + "`grove trust --show`, then `grove trust` to use it");
        project = project.withoutSensitive();
      }
    }
    return project.over(read(userFile));
  }

  /** The names of the sensitive settings this sets. */
  List<String> sensitive() {
    List<String> names = new java.util.ArrayList<>();
    if (verify != null) {
      names.add("verify");
    }
    if (setup != null) {
      names.add("setup");
    }
    if (remote != null) {
      names.add("remote");
    }
    if (network != null) {
      names.add("network");
    }
    if (forge != null) {
      names.add("forge");
    }
    if (forgeUrl != null) {
      names.add("forge-url");
    }
    if (forgeTokenEnv != null) {
      names.add("forge-token-env");
    }
    return names;
  }

  private RunConfig withoutSensitive() {
    return new RunConfig(
        parallel, retries, null, null, null, null, null, maxSteps, maxCost, null, null, generated,
        budget, radar);
  }

  static RunConfig read(Path file) {
    if (file == null || !Files.isRegularFile(file)) {
      return NONE;
    }
    JsonNode run;
    try {
      run = TOML.readTree(file.toFile()).path("run");
    } catch (IOException e) {
      throw new OrchestratorException(
          file + " is not valid TOML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (run.isMissingNode()) {
      return NONE;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = run.properties().iterator(); it.hasNext(); ) {
      String key = it.next().getKey();
      if (!KEYS.contains(key)) {
        throw new OrchestratorException(
            file
                + ": unknown key '"
                + key
                + "' in [run] (known: "
                + String.join(", ", KEYS.stream().sorted().toList())
                + ")");
      }
    }
    return new RunConfig(
        integer(file, run, "parallel"),
        integer(file, run, "retries"),
        text(file, run, "verify"),
        text(file, run, "remote"),
        text(file, run, "forge"),
        text(file, run, "forge-url"),
        text(file, run, "forge-token-env"),
        integer(file, run, "max-steps"),
        number(file, run, "max-cost"),
        bool(file, run, "network"),
        text(file, run, "setup"),
        strings(file, run, "generated"),
        number(file, run, "budget"),
        integer(file, run, "radar"));
  }

  /** This, with the blanks filled from {@code below}. */
  RunConfig over(RunConfig below) {
    return new RunConfig(
        parallel != null ? parallel : below.parallel,
        retries != null ? retries : below.retries,
        verify != null ? verify : below.verify,
        remote != null ? remote : below.remote,
        forge != null ? forge : below.forge,
        forgeUrl != null ? forgeUrl : below.forgeUrl,
        forgeTokenEnv != null ? forgeTokenEnv : below.forgeTokenEnv,
        maxSteps != null ? maxSteps : below.maxSteps,
        maxCost != null ? maxCost : below.maxCost,
        network != null ? network : below.network,
        setup != null ? setup : below.setup,
        generated != null ? generated : below.generated,
        budget != null ? budget : below.budget,
        radar != null ? radar : below.radar);
  }

  private static Integer integer(Path file, JsonNode run, String key) {
    JsonNode v = run.get(key);
    if (v == null) {
      return null;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new OrchestratorException(
          file + ": [run] " + key + " must be a whole number, not " + v);
    }
    return v.asInt();
  }

  private static Double number(Path file, JsonNode run, String key) {
    JsonNode v = run.get(key);
    if (v == null) {
      return null;
    }
    if (!v.isNumber()) {
      throw new OrchestratorException(file + ": [run] " + key + " must be a number, not " + v);
    }
    return v.asDouble();
  }

  private static String text(Path file, JsonNode run, String key) {
    JsonNode v = run.get(key);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw new OrchestratorException(file + ": [run] " + key + " must be a string, not " + v);
    }
    return v.asText();
  }

  private static List<String> strings(Path file, JsonNode run, String key) {
    JsonNode v = run.get(key);
    if (v == null) {
      return null;
    }
    if (!v.isArray()) {
      throw new OrchestratorException(
          file + ": [run] " + key + " must be a list of strings, not " + v);
    }
    List<String> out = new java.util.ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw new OrchestratorException(
            file + ": [run] " + key + " must be a list of strings, not " + v);
      }
      out.add(item.asText());
    }
    return List.copyOf(out);
  }

  /** The patterns of build output that shipping leaves out: configured, else grove's. */
  public dev.grove.git.Generated generatedFiles() {
    try {
      return generated == null
          ? dev.grove.git.Generated.DEFAULT
          : new dev.grove.git.Generated(generated);
    } catch (IllegalArgumentException e) {
      throw new OrchestratorException("[run] generated: " + e.getMessage());
    }
  }

  private static Boolean bool(Path file, JsonNode run, String key) {
    JsonNode v = run.get(key);
    if (v == null) {
      return null;
    }
    if (!v.isBoolean()) {
      throw new OrchestratorException(file + ": [run] " + key + " must be true or false, not " + v);
    }
    return v.asBoolean();
  }
}
