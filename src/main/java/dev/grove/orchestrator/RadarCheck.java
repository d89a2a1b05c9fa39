package dev.grove.orchestrator;

import dev.grove.git.Changes;
import dev.grove.git.Shipping;
import dev.grove.orchestrator.RunEvent.Risk;
import dev.grove.orchestrator.RunEvent.RiskKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One look of the conflict radar over a set of lanes: which files each lane's latest state changes
 * against its base, which lanes change the same files (and which lines), whether each such pair
 * merges ({@code git merge-tree}), and whether each lane still merges onto its base as the base is
 * now. Pure over git's objects: nothing in a worktree is read.
 *
 * <p>What it costs is what changed since the last look: the files of every new state come from one
 * git process for all of them; a trial merge runs only for a pair of lanes that change a common
 * file (lanes whose files do not meet merge cleanly) and for a lane whose files its base changed
 * since; hunks are read only for files changed twice. Every answer is kept for the commits it was
 * computed for, so a lane that did not move costs nothing. Not safe for many threads (the radar has
 * one).
 */
final class RadarCheck {
  /**
   * One lane's latest state: {@code commit} (a checkpoint, or its shipped commit) made from {@code
   * baseCommit}; lanes of one {@code group} (the attempts at one task) are alternatives, never
   * compared with each other.
   */
  record Tip(String lane, String commit, String baseCommit, String group) {
    Tip {
      Objects.requireNonNull(lane, "lane");
      Objects.requireNonNull(commit, "commit");
      Objects.requireNonNull(baseCommit, "baseCommit");
    }
  }

  private final Changes changes;
  private final Map<String, List<String>> files = new HashMap<>();
  private final Map<String, Shipping.MergeCheck> merges = new HashMap<>();
  private final Map<String, List<Changes.Hunk>> hunks = new HashMap<>();

  /** How many git processes the last {@link #check} ran (for the benchmark). */
  int processes;

  RadarCheck(Changes changes) {
    this.changes = changes;
  }

  /** The risks among {@code tips}, with {@code baseTip} the base as it is now; sorted. */
  List<Risk> check(String baseTip, List<Tip> tips) {
    processes = 0;
    loadFiles(baseTip, tips);
    List<Risk> risks = new ArrayList<>();
    for (int i = 0; i < tips.size(); i++) {
      Tip a = tips.get(i);
      for (int j = i + 1; j < tips.size(); j++) {
        Tip b = tips.get(j);
        if (a.group() != null && a.group().equals(b.group())) {
          continue; // attempts at one task: only one of them lands
        }
        Set<String> common =
            common(filesOf(a.baseCommit(), a.commit()), filesOf(b.baseCommit(), b.commit()));
        if (common.isEmpty()) {
          continue;
        }
        Shipping.MergeCheck m = merge(a.commit(), b.commit());
        String lines = touching(a, b, common);
        if (m instanceof Shipping.MergeCheck.Conflicts c) {
          risks.add(
              new Risk(
                  a.lane(),
                  b.lane(),
                  RiskKind.CONFLICT,
                  c.files().isEmpty() ? List.copyOf(common) : c.files(),
                  lines.isEmpty() ? firstConflict(c) : "both change " + lines));
        } else {
          risks.add(
              new Risk(
                  a.lane(),
                  b.lane(),
                  RiskKind.OVERLAP,
                  List.copyOf(common),
                  lines.isEmpty()
                      ? "different lines of the same files"
                      : "near each other: " + lines));
        }
      }
    }
    for (Tip t : tips) {
      if (t.baseCommit().equals(baseTip)) {
        continue;
      }
      Set<String> common =
          common(filesOf(t.baseCommit(), t.commit()), filesOf(t.baseCommit(), baseTip));
      if (common.isEmpty()) {
        continue;
      }
      if (merge(baseTip, t.commit()) instanceof Shipping.MergeCheck.Conflicts c) {
        risks.add(
            new Risk(
                t.lane(),
                null,
                RiskKind.CONFLICT,
                c.files().isEmpty() ? List.copyOf(common) : c.files(),
                firstConflict(c)));
      }
    }
    risks.sort(
        Comparator.comparing(Risk::lane).thenComparing(r -> r.other() == null ? "" : r.other()));
    return risks;
  }

  /** The files of every state not seen before: one git process per base they start from. */
  private void loadFiles(String baseTip, List<Tip> tips) {
    Map<String, Set<String>> wanted = new LinkedHashMap<>();
    for (Tip t : tips) {
      if (!files.containsKey(key(t.baseCommit(), t.commit()))) {
        wanted.computeIfAbsent(t.baseCommit(), b -> new LinkedHashSet<>()).add(t.commit());
      }
      if (!t.baseCommit().equals(baseTip) && !files.containsKey(key(t.baseCommit(), baseTip))) {
        wanted.computeIfAbsent(t.baseCommit(), b -> new LinkedHashSet<>()).add(baseTip);
      }
    }
    for (Map.Entry<String, Set<String>> w : wanted.entrySet()) {
      processes++;
      changes
          .files(w.getKey(), w.getValue())
          .forEach((commit, paths) -> files.put(key(w.getKey(), commit), List.copyOf(paths)));
    }
  }

  private List<String> filesOf(String base, String commit) {
    return files.getOrDefault(key(base, commit), List.of());
  }

  private Shipping.MergeCheck merge(String ours, String theirs) {
    return merges.computeIfAbsent(
        key(ours, theirs),
        k -> {
          processes++;
          return changes.merge(ours, theirs);
        });
  }

  /** The hunks of both lanes in their common files that touch, said in a line; empty if none. */
  private String touching(Tip a, Tip b, Set<String> common) {
    List<String> out = new ArrayList<>();
    for (Changes.Hunk x : hunksOf(a, common)) {
      for (Changes.Hunk y : hunksOf(b, common)) {
        if (x.touches(y) && out.size() < 4) {
          out.add(x.describe() + " and " + y.describe());
        }
      }
    }
    return String.join("; ", out);
  }

  private List<Changes.Hunk> hunksOf(Tip t, Set<String> paths) {
    List<Changes.Hunk> out = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String p : paths) {
      List<Changes.Hunk> known = hunks.get(key(t.commit(), p));
      if (known == null) {
        missing.add(p);
      } else {
        out.addAll(known);
      }
    }
    if (!missing.isEmpty()) {
      processes++;
      Map<String, List<Changes.Hunk>> read = new HashMap<>();
      missing.forEach(p -> read.put(p, new ArrayList<>()));
      for (Changes.Hunk h : changes.hunks(t.baseCommit(), t.commit(), missing)) {
        read.computeIfAbsent(h.path(), p -> new ArrayList<>()).add(h);
      }
      read.forEach(
          (p, hs) -> {
            hunks.put(key(t.commit(), p), List.copyOf(hs));
            out.addAll(hs);
          });
    }
    return out;
  }

  /**
   * The paths both change: the same path, or a path of one under a directory the other changes as a
   * file (git cannot merge those either).
   */
  static Set<String> common(Collection<String> a, Collection<String> b) {
    Set<String> out = new TreeSet<>();
    Set<String> bs = new java.util.HashSet<>(b);
    for (String p : a) {
      if (bs.contains(p)) {
        out.add(p);
      }
    }
    if (a.size() * (long) b.size() <= 250_000) {
      for (String p : a) {
        for (String q : b) {
          if (p.startsWith(q + "/")) {
            out.add(q);
          } else if (q.startsWith(p + "/")) {
            out.add(p);
          }
        }
      }
    }
    return out;
  }

  private static String firstConflict(Shipping.MergeCheck.Conflicts c) {
    return c.messages().stream()
        .filter(m -> m.startsWith("CONFLICT"))
        .findFirst()
        .orElse(c.messages().isEmpty() ? "" : c.messages().get(0));
  }

  private static String key(String a, String b) {
    return a + ":" + b;
  }
}
