package dev.grove.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.orchestrator.RunEvent.AttemptsChosen;
import dev.grove.orchestrator.RunEvent.AttemptsJudged;
import dev.grove.orchestrator.RunEvent.AttemptsStarted;
import dev.grove.orchestrator.RunEvent.BudgetReached;
import dev.grove.orchestrator.RunEvent.Candidate;
import dev.grove.orchestrator.RunEvent.LaneCleaned;
import dev.grove.orchestrator.RunEvent.LaneCommitted;
import dev.grove.orchestrator.RunEvent.LaneFailed;
import dev.grove.orchestrator.RunEvent.LaneFinished;
import dev.grove.orchestrator.RunEvent.LaneMerged;
import dev.grove.orchestrator.RunEvent.LaneMessage;
import dev.grove.orchestrator.RunEvent.LanePushed;
import dev.grove.orchestrator.RunEvent.LaneSpawned;
import dev.grove.orchestrator.RunEvent.LaneStarted;
import dev.grove.orchestrator.RunEvent.LaneStopped;
import dev.grove.orchestrator.RunEvent.LaneVerified;
import dev.grove.orchestrator.RunEvent.MergeBlocked;
import dev.grove.orchestrator.RunEvent.PullRequestOpened;
import dev.grove.orchestrator.RunEvent.RadarRisks;
import dev.grove.orchestrator.RunEvent.Risk;
import dev.grove.orchestrator.RunEvent.RiskKind;
import dev.grove.orchestrator.RunEvent.RunBudget;
import dev.grove.orchestrator.RunEvent.RunFinished;
import dev.grove.orchestrator.RunEvent.RunInterrupted;
import dev.grove.orchestrator.RunEvent.RunStarted;
import dev.grove.orchestrator.RunEvent.Score;
import dev.grove.orchestrator.RunEvent.ShippingFailed;
import dev.grove.orchestrator.RunEvent.StopRequested;
import dev.grove.orchestrator.RunEvent.TasksGiven;
import dev.grove.orchestrator.RunEvent.Unknown;
import dev.grove.orchestrator.RunEvent.Work;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one codec of run events: a {@link RunEvent} to the {@code data} of an event entry and back.
 * Field names are those runs have always written (golden files of earlier runs keep reading); a
 * field that is absent or null reads as null. Decoding checks types here and values in the records'
 * constructors; any failure is an {@link IllegalArgumentException} naming the field, which {@link
 * RunLog} turns into an error naming the file and line.
 */
final class RunEventCodec {
  private RunEventCodec() {}

  static ObjectNode encode(RunEvent event) {
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    switch (event) {
      case RunStarted e -> {
        d.put("run", e.run())
            .put("repo", e.repo())
            .put("base", e.base())
            .put("baseCommit", e.baseCommit())
            .put("model", e.model())
            .put("parallel", e.parallel())
            .put("retries", e.retries())
            .put("verify", e.verify())
            .put("remote", e.remote())
            .put("forge", e.forge())
            .put("mode", e.mode());
        putIf(d, "forgeUrl", e.forgeUrl());
        putIf(d, "forgeTokenEnv", e.forgeTokenEnv());
        if (e.ship() != null) {
          d.put("ship", e.ship());
        }
        if (e.generated() != null) {
          e.generated().forEach(d.putArray("generated")::add);
        }
        if (e.budget() != null) {
          d.put("budget", e.budget());
        }
      }
      case LaneSpawned e -> {
        d.put("lane", e.lane())
            .put("task", e.task())
            .put("branch", e.branch())
            .put("worktree", e.worktree())
            .put("base", e.base())
            .put("baseCommit", e.baseCommit())
            .put("verify", e.verify())
            .put("model", e.model());
        putIf(d, "forkOf", e.forkOf());
        putIf(d, "fromEntry", e.fromEntry());
        putIf(d, "checkpoint", e.checkpoint());
        putIf(d, "hint", e.hint());
        putIf(d, "attemptOf", e.attemptOf());
      }
      case TasksGiven e -> {
        ArrayNode tasks = d.putArray("tasks");
        for (Task t : e.tasks()) {
          ObjectNode o = tasks.addObject();
          putIf(o, "slug", t.slug());
          o.put("task", t.text());
          putIf(o, "verify", t.verify());
        }
        d.put("attempts", e.attempts());
        if (e.attempts() > 1) {
          e.models().forEach(d.putArray("models")::add);
          scoring(d.putObject("scoring"), e.scoring());
        }
      }
      case RunFinished e -> e.counts().forEach(d::put);
      case RunInterrupted e -> d.put("reason", e.reason());
      case LaneStarted e -> d.put("model", e.model());
      case LaneFinished e -> work(d, e.work()).put("summary", e.summary());
      case LaneFailed e -> work(d, e.work()).put("reason", e.reason());
      case LaneStopped e -> work(d, e.work()).put("reason", e.reason());
      case LaneVerified e -> {
        d.put("command", e.command())
            .put("ok", e.ok())
            .put("exitCode", e.exitCode())
            .put("timedOut", e.timedOut())
            .put("output", e.output());
        putIf(d, "commit", e.commit());
      }
      case LaneCommitted e -> {
        d.put("commit", e.commit()).put("files", e.files()).put("stat", e.stat());
        e.paths().forEach(d.putArray("paths")::add);
        if (!e.leftOut().isEmpty()) {
          e.leftOut().forEach(d.putArray("leftOut")::add);
        }
      }
      case LanePushed e ->
          d.put("remote", e.remote())
              .put("url", e.url())
              .put("branch", e.branch())
              .put("commit", e.commit());
      case PullRequestOpened e ->
          d.put("forge", e.forge())
              .put("id", e.id())
              .put("url", e.url())
              .put("existing", e.existing())
              .put("head", e.head())
              .put("base", e.base());
      case ShippingFailed e -> d.put("step", e.step()).put("reason", e.reason());
      case LaneCleaned e -> {
        d.put("worktree", e.worktree());
        putIf(d, "savedRef", e.savedRef());
      }
      case LaneMerged e ->
          d.put("into", e.into()).put("commit", e.commit()).put("pushed", e.pushed());
      case RunBudget e -> d.put("budget", e.budget());
      case BudgetReached e -> d.put("budget", e.budget()).put("spent", e.spent());
      case AttemptsStarted e -> {
        d.put("group", e.group()).put("task", e.task()).put("count", e.count());
        e.models().forEach(d.putArray("models")::add);
        putIf(d, "forkOf", e.forkOf());
        putIf(d, "fromEntry", e.fromEntry());
        putIf(d, "hint", e.hint());
        scoring(d.putObject("scoring"), e.scoring());
      }
      case AttemptsJudged e -> {
        work(d, e.work()).put("group", e.group()).put("model", e.model());
        e.ranking().forEach(d.putArray("ranking")::add);
        ObjectNode reasons = d.putObject("reasons");
        e.ranking().forEach(l -> putIf(reasons, l, e.reasons().get(l)));
        e.reasons().forEach((l, r) -> putIf(reasons, l, r));
        putIf(d, "error", e.error());
      }
      case AttemptsChosen e -> {
        d.put("group", e.group()).put("winner", e.winner()).put("reason", e.reason());
        ArrayNode candidates = d.putArray("candidates");
        for (Candidate c : e.candidates()) {
          ObjectNode o =
              candidates
                  .addObject()
                  .put("lane", c.lane())
                  .put("commit", c.commit())
                  .put("eligible", c.eligible())
                  .put("note", c.note())
                  .put("total", c.total());
          ArrayNode scores = o.putArray("scores");
          for (Score sc : c.scores()) {
            scores
                .addObject()
                .put("scorer", sc.scorer())
                .put("value", sc.value())
                .put("points", sc.points())
                .put("weight", sc.weight());
          }
        }
      }
      case RadarRisks e -> {
        ArrayNode risks = d.putArray("risks");
        for (Risk r : e.risks()) {
          ObjectNode o =
              risks
                  .addObject()
                  .put("lane", r.lane())
                  .put("other", r.other())
                  .put("kind", r.kind().label())
                  .put("detail", r.detail());
          r.files().forEach(o.putArray("files")::add);
        }
      }
      case MergeBlocked e -> {
        d.put("into", e.into()).put("onto", e.onto()).put("reason", e.reason());
        e.files().forEach(d.putArray("files")::add);
        putIf(d, "command", e.command());
        d.put("output", e.output());
      }
      case LaneMessage e -> d.put("text", e.text());
      case StopRequested e -> d.put("reason", e.reason());
      case Unknown e ->
          throw new IllegalArgumentException(
              "an event of unknown kind '" + e.kind() + "' cannot be written");
    }
    return d;
  }

  /**
   * The event of {@code kind} with {@code data}; {@link Unknown} for kinds this version does not
   * know.
   */
  static RunEvent decode(String kind, JsonNode d) {
    if (!d.isObject()) {
      throw new IllegalArgumentException("the event's data is not an object");
    }
    return switch (kind) {
      case "run.started" ->
          new RunStarted(
              text(d, "run"),
              text(d, "repo"),
              text(d, "base"),
              text(d, "baseCommit"),
              text(d, "model"),
              integer(d, "parallel", 1),
              integer(d, "retries", 0),
              text(d, "verify"),
              text(d, "remote"),
              text(d, "forge"),
              text(d, "forgeUrl"),
              text(d, "forgeTokenEnv"),
              bool(d, "ship"),
              text(d, "mode"),
              d.has("generated") ? strings(d, "generated") : null,
              optionalNumber(d, "budget"));
      case "lane.spawned" ->
          new LaneSpawned(
              text(d, "lane"),
              orEmpty(text(d, "task")),
              text(d, "branch"),
              text(d, "worktree"),
              text(d, "base"),
              text(d, "baseCommit"),
              text(d, "verify"),
              text(d, "model"),
              text(d, "forkOf"),
              text(d, "fromEntry"),
              text(d, "checkpoint"),
              text(d, "hint"),
              text(d, "attemptOf"));
      case "run.tasks" -> {
        List<Task> tasks = new ArrayList<>();
        for (JsonNode t : objects(d, "tasks")) {
          tasks.add(new Task(text(t, "slug"), orEmpty(text(t, "task")), text(t, "verify")));
        }
        yield new TasksGiven(
            tasks,
            integer(d, "attempts", 1),
            strings(d, "models"),
            d.has("scoring") ? scoring(object(d, "scoring")) : Scoring.defaults());
      }
      case "run.finished" -> new RunFinished(counts(d));
      case "run.interrupted" -> new RunInterrupted(orEmpty(text(d, "reason")));
      case "lane.started" -> new LaneStarted(text(d, "model"));
      case "lane.finished" -> new LaneFinished(text(d, "summary"), work(d));
      case "lane.failed" -> new LaneFailed(orEmpty(text(d, "reason")), work(d));
      case "lane.stopped" -> new LaneStopped(orEmpty(text(d, "reason")), work(d));
      case "lane.verified" ->
          new LaneVerified(
              orEmpty(text(d, "command")),
              isTrue(d, "ok"),
              integer(d, "exitCode", 0),
              isTrue(d, "timedOut"),
              text(d, "output"),
              text(d, "commit"));
      case "lane.committed" ->
          new LaneCommitted(
              text(d, "commit"),
              integer(d, "files", 0),
              text(d, "stat"),
              strings(d, "paths"),
              strings(d, "leftOut"));
      case "lane.pushed" ->
          new LanePushed(text(d, "remote"), text(d, "url"), text(d, "branch"), text(d, "commit"));
      case "lane.pr" ->
          new PullRequestOpened(
              text(d, "forge"),
              text(d, "id"),
              text(d, "url"),
              isTrue(d, "existing"),
              text(d, "head"),
              text(d, "base"));
      case "lane.ship.failed" -> new ShippingFailed(text(d, "step"), orEmpty(text(d, "reason")));
      case "lane.cleaned" -> new LaneCleaned(text(d, "worktree"), text(d, "savedRef"));
      case "lane.merged" -> new LaneMerged(text(d, "into"), text(d, "commit"), isTrue(d, "pushed"));
      case "run.budget" -> new RunBudget(number(d, "budget").doubleValue());
      case "run.budget.reached" ->
          new BudgetReached(number(d, "budget").doubleValue(), number(d, "spent").doubleValue());
      case "attempts.started" ->
          new AttemptsStarted(
              text(d, "group"),
              orEmpty(text(d, "task")),
              integer(d, "count", 0),
              strings(d, "models"),
              text(d, "forkOf"),
              text(d, "fromEntry"),
              text(d, "hint"),
              scoring(object(d, "scoring")));
      case "attempts.judged" ->
          new AttemptsJudged(
              text(d, "group"),
              text(d, "model"),
              strings(d, "ranking"),
              textMap(object(d, "reasons"), "reasons"),
              text(d, "error"),
              work(d));
      case "attempts.chosen" -> {
        List<Candidate> candidates = new ArrayList<>();
        for (JsonNode c : objects(d, "candidates")) {
          List<Score> scores = new ArrayList<>();
          for (JsonNode sc : objects(c, "scores")) {
            scores.add(
                new Score(
                    text(sc, "scorer"),
                    optionalNumber(sc, "value"),
                    number(sc, "points").doubleValue(),
                    number(sc, "weight").doubleValue()));
          }
          candidates.add(
              new Candidate(
                  text(c, "lane"),
                  text(c, "commit"),
                  isTrue(c, "eligible"),
                  text(c, "note"),
                  scores,
                  number(c, "total").doubleValue()));
        }
        yield new AttemptsChosen(
            text(d, "group"), text(d, "winner"), orEmpty(text(d, "reason")), candidates);
      }
      case "radar.risks" -> {
        List<Risk> risks = new ArrayList<>();
        for (JsonNode r : objects(d, "risks")) {
          risks.add(
              new Risk(
                  text(r, "lane"),
                  text(r, "other"),
                  RiskKind.of(orEmpty(text(r, "kind"))),
                  strings(r, "files"),
                  text(r, "detail")));
        }
        yield new RadarRisks(risks);
      }
      case "lane.merge.blocked" ->
          new MergeBlocked(
              text(d, "into"),
              text(d, "onto"),
              text(d, "reason"),
              strings(d, "files"),
              text(d, "command"),
              text(d, "output"));
      case "lane.message" -> new LaneMessage(text(d, "text"));
      case "lane.stop" -> new StopRequested(orEmpty(text(d, "reason")));
      default -> new Unknown(kind);
    };
  }

  private static void putIf(ObjectNode d, String field, String value) {
    if (value != null) {
      d.put(field, value);
    }
  }

  private static ObjectNode work(ObjectNode d, Work w) {
    return d.put("steps", w.steps())
        .put("inputTokens", w.inputTokens())
        .put("outputTokens", w.outputTokens())
        .put("cost", w.cost())
        .put("seconds", w.seconds());
  }

  private static Work work(JsonNode d) {
    return new Work(
        integer(d, "steps", 0),
        number(d, "inputTokens").longValue(),
        number(d, "outputTokens").longValue(),
        number(d, "cost").doubleValue(),
        number(d, "seconds").doubleValue());
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String text(JsonNode d, String field) {
    JsonNode v = d.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(field + " is not a string: " + abbreviate(v));
    }
    return v.asText();
  }

  private static int integer(JsonNode d, String field, int absent) {
    JsonNode v = d.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new IllegalArgumentException(field + " is not a whole number: " + abbreviate(v));
    }
    return v.asInt();
  }

  private static Number number(JsonNode d, String field) {
    JsonNode v = d.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isNumber()) {
      throw new IllegalArgumentException(field + " is not a number: " + abbreviate(v));
    }
    return v.numberValue();
  }

  private static Boolean bool(JsonNode d, String field) {
    JsonNode v = d.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(field + " is not true or false: " + abbreviate(v));
    }
    return v.asBoolean();
  }

  private static boolean isTrue(JsonNode d, String field) {
    Boolean b = bool(d, field);
    return b != null && b;
  }

  private static List<String> strings(JsonNode d, String field) {
    JsonNode v = d.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(field + " is not a list: " + abbreviate(v));
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : (ArrayNode) v) {
      if (!item.isTextual()) {
        throw new IllegalArgumentException(
            field + " holds something other than a string: " + abbreviate(item));
      }
      out.add(item.asText());
    }
    return out;
  }

  private static Map<String, Long> counts(JsonNode d) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = d.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isIntegralNumber()) {
        counts.put(e.getKey(), e.getValue().asLong());
      }
    }
    return counts;
  }

  private static void scoring(ObjectNode o, Scoring s) {
    ObjectNode weights = o.putObject("weights");
    s.weights().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(w -> weights.put(w.getKey(), w.getValue()));
    ArrayNode commands = o.putArray("commands");
    for (Scoring.Command c : s.commands()) {
      commands
          .addObject()
          .put("name", c.name())
          .put("command", c.command())
          .put("better", c.higherIsBetter() ? "higher" : "lower");
    }
    o.put("judge", s.judge());
  }

  private static Scoring scoring(JsonNode o) {
    Map<String, Double> weights = new LinkedHashMap<>();
    JsonNode w = object(o, "weights");
    for (Iterator<Map.Entry<String, JsonNode>> it = w.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      weights.put(e.getKey(), number(w, e.getKey()).doubleValue());
    }
    List<Scoring.Command> commands = new ArrayList<>();
    for (JsonNode c : objects(o, "commands")) {
      String better = orEmpty(text(c, "better"));
      if (!better.equals("higher") && !better.equals("lower")) {
        throw new IllegalArgumentException("better is not higher or lower: " + abbreviate(c));
      }
      commands.add(
          new Scoring.Command(text(c, "name"), text(c, "command"), better.equals("higher")));
    }
    return new Scoring(weights, commands, text(o, "judge"));
  }

  /** The object in {@code field}; an empty one when it is absent. */
  private static JsonNode object(JsonNode d, String field) {
    JsonNode v = d.get(field);
    if (v == null || v.isNull()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!v.isObject()) {
      throw new IllegalArgumentException(field + " is not an object: " + abbreviate(v));
    }
    return v;
  }

  /** The objects listed in {@code field}; none when it is absent. */
  private static List<JsonNode> objects(JsonNode d, String field) {
    JsonNode v = d.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(field + " is not a list: " + abbreviate(v));
    }
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isObject()) {
        throw new IllegalArgumentException(
            field + " holds something other than an object: " + abbreviate(item));
      }
      out.add(item);
    }
    return out;
  }

  private static Map<String, String> textMap(JsonNode o, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException(
            field + " holds something other than a string: " + abbreviate(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static Double optionalNumber(JsonNode d, String field) {
    JsonNode v = d.get(field);
    return v == null || v.isNull() ? null : number(d, field).doubleValue();
  }

  private static String abbreviate(JsonNode v) {
    String s = v.toString();
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }
}
