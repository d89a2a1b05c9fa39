package dev.grove.orchestrator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a group of attempts is scored. Only an eligible attempt can win: finished, with files
 * changed, every verification of its commit passed. Each scorer gives every eligible attempt points
 * between 0 and 1 — the best 1, the worst 0, the others in between (all 1 when they are equal) —
 * and the attempt with the most points times weights wins (ties: the smaller diff, then the first
 * attempt).
 *
 * <p>The scorers: {@code diff}, the lines the attempt adds and removes (fewer is better); {@code
 * cost}, what its model calls cost (less is better; its retries included); {@code time}, the
 * seconds its agent worked (less is better); {@code judge}, the judge model's ranking, when there
 * is a judge; and each {@link Command}, run in the sandbox in every attempt's worktree, whose value
 * is the last number it prints (a command that fails, or prints none, gets 0 points).
 *
 * @param weights each scorer's weight, where not its default ({@link #weight})
 * @param commands scorers that run a command
 * @param judge the judge's model spec, or null for none
 */
public record Scoring(Map<String, Double> weights, List<Command> commands, String judge) {
  /** The most attempts one task (or fork) may get. */
  public static final int MAX_ATTEMPTS = 16;

  public static final String DIFF = "diff";
  public static final String COST = "cost";
  public static final String TIME = "time";
  public static final String JUDGE = "judge";

  /** The scorers every group has (judge only with a judge). */
  public static final List<String> BUILT_IN = List.of(DIFF, COST, TIME, JUDGE);

  private static final Map<String, Double> DEFAULT_WEIGHTS =
      Map.of(DIFF, 1.0, COST, 0.5, TIME, 0.25, JUDGE, 2.0);
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  /**
   * A scorer that runs a command in each attempt's worktree, in the sandbox.
   *
   * @param higherIsBetter whether a higher value is better (tests passed) or a lower one (warnings,
   *     milliseconds)
   */
  public record Command(String name, String command, boolean higherIsBetter) {
    public Command {
      if (name == null || !NAME.matcher(name).matches() || BUILT_IN.contains(name)) {
        throw new IllegalArgumentException(
            "a scoring command's name must be lower-case letters, digits and dashes, and not one of "
                + BUILT_IN
                + ": '"
                + name
                + "'");
      }
      if (command == null || command.isBlank()) {
        throw new IllegalArgumentException("scoring command '" + name + "' has no command");
      }
    }
  }

  public Scoring {
    weights = Map.copyOf(weights);
    commands = List.copyOf(commands);
    Set<String> names = new HashSet<>(BUILT_IN);
    for (Command c : commands) {
      if (!names.add(c.name())) {
        throw new IllegalArgumentException("two scorers are named '" + c.name() + "'");
      }
    }
    for (Map.Entry<String, Double> w : weights.entrySet()) {
      if (!names.contains(w.getKey())) {
        throw new IllegalArgumentException(
            "no scorer '"
                + w.getKey()
                + "' to weigh (scorers: "
                + String.join(", ", names.stream().sorted().toList())
                + ")");
      }
      Objects.requireNonNull(w.getValue(), "weight");
      if (!(w.getValue() >= 0) || w.getValue().isInfinite()) {
        throw new IllegalArgumentException(
            "the weight of " + w.getKey() + " must be a number >= 0, not " + w.getValue());
      }
    }
    if (judge != null && judge.isBlank()) {
      judge = null;
    }
  }

  /** grove's defaults: diff, cost and time, no command, no judge. */
  public static Scoring defaults() {
    return new Scoring(Map.of(), List.of(), null);
  }

  /** A scorer's weight: as set, else 1 for commands, else its default. */
  public double weight(String scorer) {
    Double w = weights.get(scorer);
    return w != null ? w : DEFAULT_WEIGHTS.getOrDefault(scorer, 1.0);
  }

  /** The scorers that apply, in the order they are shown. */
  public List<String> scorers() {
    List<String> out = new ArrayList<>(List.of(DIFF, COST, TIME));
    commands.forEach(c -> out.add(c.name()));
    if (judge != null) {
      out.add(JUDGE);
    }
    return out;
  }

  /** With these weights laid over this scoring's. */
  public Scoring withWeights(Map<String, Double> more) {
    Map<String, Double> all = new LinkedHashMap<>(weights);
    all.putAll(more);
    return new Scoring(all, commands, judge);
  }

  /** With {@code spec} as the judge (null: as it was). */
  public Scoring withJudge(String spec) {
    return spec == null ? this : new Scoring(weights, commands, spec);
  }
}
