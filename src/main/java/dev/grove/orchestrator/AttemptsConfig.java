package dev.grove.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Defaults for attempts from the {@code [attempts]} table of {@code .grove/config.toml} (the
 * project's) over {@code GROVE_HOME/config.toml} (the user's); flags override both:
 *
 * <pre>
 * [attempts]
 * count = 3                                  # agents per task (grove run --attempts)
 * models = ["openai:gpt-4.1", "anthropic:claude-sonnet-4-5"]   # spread over, in turn
 * judge = "anthropic:claude-sonnet-4-5"      # a model that ranks the candidates' diffs
 * weights = { diff = 1, cost = 0.5, time = 0.25, judge = 2, tests = 1 }
 *
 * [attempts.commands.tests]                  # a scorer: runs in each attempt's worktree (sandboxed)
 * command = "sh count-passing-tests.sh"      # its value: the last number it prints
 * better = "higher"                          # or "lower"
 * </pre>
 *
 * <p>{@code models}, {@code judge} and {@code commands} decide where code goes and what runs: from
 * the project's file they are honoured only when the user trusts it ({@link ProjectTrust}), like
 * {@code [run] verify}.
 *
 * @param count agents per task, or null
 * @param models the attempts' models, or null
 * @param judge the judge's model spec, or null
 * @param weights scorers' weights set here
 * @param commands scoring commands, or null
 */
public record AttemptsConfig(
    Integer count,
    List<String> models,
    String judge,
    Map<String, Double> weights,
    List<Scoring.Command> commands) {
  private static final TomlMapper TOML = new TomlMapper();
  private static final Set<String> KEYS = Set.of("count", "models", "judge", "weights", "commands");

  public static final AttemptsConfig NONE = new AttemptsConfig(null, null, null, Map.of(), null);

  public AttemptsConfig {
    models = models == null ? null : List.copyOf(models);
    weights = weights == null ? Map.of() : Map.copyOf(weights);
    commands = commands == null ? null : List.copyOf(commands);
  }

  /**
   * The project file over the user file, the project's sensitive settings ignored unless {@code
   * trust} trusts the file as it is; each ignored setting is told to {@code warn}.
   */
  public static AttemptsConfig load(
      Path projectFile, Path userFile, ProjectTrust trust, Consumer<String> warn) {
    AttemptsConfig project = read(projectFile);
    if (!trust.trusts(projectFile)) {
      List<String> ignored = new ArrayList<>();
      if (project.models != null) {
        ignored.add("models");
      }
      if (project.judge != null) {
        ignored.add("judge");
      }
      if (project.commands != null) {
        ignored.add("commands");
      }
      if (!ignored.isEmpty()) {
        warn.accept(
            "ignoring "
                + String.join(", ", ignored.stream().map(k -> "[attempts] " + k).toList())
                + " in "
                + projectFile
                + ": the file is not trusted (it may have come with a branch or a clone); review it"
                + " with `grove trust --show`, then `grove trust` to use it");
        project = new AttemptsConfig(project.count, null, null, project.weights, null);
      }
    }
    return project.over(read(userFile));
  }

  /** This, with the blanks filled from {@code below} (weights merged, this one's winning). */
  AttemptsConfig over(AttemptsConfig below) {
    Map<String, Double> w = new LinkedHashMap<>(below.weights);
    w.putAll(weights);
    return new AttemptsConfig(
        count != null ? count : below.count,
        models != null ? models : below.models,
        judge != null ? judge : below.judge,
        w,
        commands != null ? commands : below.commands);
  }

  /**
   * The plan for a run or fork: the flags given, else this config, else one attempt. With models
   * and no count, one attempt per model.
   *
   * @throws OrchestratorException for a bad count, weight or scorer, naming what is wrong
   */
  public AttemptsPlan plan(
      Integer countFlag,
      List<String> modelsFlag,
      String judgeFlag,
      Map<String, Double> weightFlags) {
    List<String> m = modelsFlag != null && !modelsFlag.isEmpty() ? modelsFlag : models;
    int n =
        countFlag != null
            ? countFlag
            : count != null ? count : m != null && m.size() > 1 ? m.size() : 1;
    Map<String, Double> w = new LinkedHashMap<>(weights);
    if (weightFlags != null) {
      w.putAll(weightFlags);
    }
    try {
      Scoring scoring =
          new Scoring(
              w, commands == null ? List.of() : commands, judgeFlag != null ? judgeFlag : judge);
      return new AttemptsPlan(n, m == null ? List.of() : m, scoring);
    } catch (IllegalArgumentException e) {
      throw new OrchestratorException(e.getMessage());
    }
  }

  static AttemptsConfig read(Path file) {
    if (file == null || !Files.isRegularFile(file)) {
      return NONE;
    }
    JsonNode t;
    try {
      t = TOML.readTree(file.toFile()).path("attempts");
    } catch (IOException e) {
      throw new OrchestratorException(
          file + " is not valid TOML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (t.isMissingNode()) {
      return NONE;
    }
    for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new OrchestratorException(
            file
                + ": unknown key '"
                + key
                + "' in [attempts] (known: "
                + String.join(", ", KEYS.stream().sorted().toList())
                + ")");
      }
    }
    Integer count = null;
    if (t.has("count")) {
      if (!t.get("count").isIntegralNumber() || !t.get("count").canConvertToInt()) {
        throw new OrchestratorException(
            file + ": [attempts] count must be a whole number, not " + t.get("count"));
      }
      count = t.get("count").asInt();
    }
    List<String> models = null;
    if (t.has("models")) {
      models = new ArrayList<>();
      for (JsonNode m : t.get("models")) {
        if (!m.isTextual()) {
          throw new OrchestratorException(
              file + ": [attempts] models must be a list of model specs, not " + t.get("models"));
        }
        models.add(m.asText());
      }
    }
    String judge = null;
    if (t.has("judge")) {
      if (!t.get("judge").isTextual()) {
        throw new OrchestratorException(
            file + ": [attempts] judge must be a model spec, not " + t.get("judge"));
      }
      judge = t.get("judge").asText();
    }
    Map<String, Double> weights = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = t.path("weights").properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isNumber()) {
        throw new OrchestratorException(
            file + ": [attempts] weights." + e.getKey() + " must be a number, not " + e.getValue());
      }
      weights.put(e.getKey(), e.getValue().asDouble());
    }
    List<Scoring.Command> commands = null;
    if (t.has("commands")) {
      commands = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = t.get("commands").properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode c = e.getValue();
        String better = c.path("better").asText("higher");
        if (!c.path("command").isTextual() || !better.equals("higher") && !better.equals("lower")) {
          throw new OrchestratorException(
              file
                  + ": [attempts.commands."
                  + e.getKey()
                  + "] needs command = \"…\" and better = \"higher\" or \"lower\"");
        }
        try {
          commands.add(
              new Scoring.Command(e.getKey(), c.get("command").asText(), better.equals("higher")));
        } catch (IllegalArgumentException bad) {
          throw new OrchestratorException(file + ": " + bad.getMessage());
        }
      }
    }
    return new AttemptsConfig(count, models, judge, weights, commands);
  }
}
