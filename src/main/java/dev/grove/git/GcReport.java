package dev.grove.git;

import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link Worktrees#gc} deleted (or with {@code dryRun} would delete).
 *
 * @param deletedBySession the number of checkpoint refs deleted, by the session id they belonged to
 * @param keptRefs checkpoint refs of live sessions, left alone
 */
public record GcReport(boolean dryRun, Map<String, Integer> deletedBySession, int keptRefs) {
  public GcReport {
    deletedBySession = java.util.Collections.unmodifiableMap(new TreeMap<>(deletedBySession));
  }

  public int deletedRefs() {
    return deletedBySession.values().stream().mapToInt(Integer::intValue).sum();
  }
}
