package dev.grove.git;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One agent's desk: a git worktree on the branch {@code task/<slug>}, and the base it started from.
 *
 * @param path the worktree's directory (absolute)
 * @param baseRef what the base was given as ({@code main}, {@code origin/main}, or a commit id)
 * @param baseCommit the commit the branch started at
 * @param createdAt when grove created it
 * @param owner what it was made for (a run's id), or null for a worktree made by hand: a run acts
 *     only on the worktrees it owns
 */
public record Worktree(
    Slug slug, Path path, String baseRef, String baseCommit, Instant createdAt, String owner) {
  public Worktree {
    Objects.requireNonNull(slug, "slug");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(baseRef, "baseRef");
    Objects.requireNonNull(createdAt, "createdAt");
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("worktree path must be absolute: " + path);
    }
    if (baseRef.isBlank()) {
      throw new IllegalArgumentException("baseRef is blank");
    }
    if (baseCommit == null || !baseCommit.matches("[0-9a-f]{40}|[0-9a-f]{64}")) {
      throw new IllegalArgumentException("baseCommit is not a full commit id: " + baseCommit);
    }
    if (owner != null && !owner.matches("[A-Za-z0-9_.-]{1,128}")) {
      throw new IllegalArgumentException("not an owner: '" + owner + "'");
    }
  }

  /** Whether {@code run} made this worktree. */
  public boolean ownedBy(String run) {
    return run.equals(owner);
  }

  /** The branch, {@code task/<slug>}. */
  public String branch() {
    return slug.branch();
  }

  /** Its fields as JSON, as grove's record of it holds them and {@code --json} prints them. */
  public ObjectNode toJson() {
    return JsonNodeFactory.instance
        .objectNode()
        .put("slug", slug.value())
        .put("branch", branch())
        .put("worktree", path.toString())
        .put("baseRef", baseRef)
        .put("baseCommit", baseCommit)
        .put("createdAt", createdAt.toString())
        .put("owner", owner);
  }
}
