package dev.grove.orchestrator;

import dev.grove.agent.Agent;
import dev.grove.git.Worktree;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * {@code grove agent run}: one agent on one task, in its own worktree, without a run around it (no
 * commit, no pull request). Its lane is named after the worktree's slug; giving a session file
 * whose lane already exists continues that conversation with the new task.
 */
public final class SoloAgent {
  private SoloAgent() {}

  public record Result(
      String lane, Path worktree, String branch, Path session, Agent.Outcome outcome) {}

  public static Result run(
      Workbench wb,
      String task,
      String slug,
      Path sessionFile,
      String modelSpec,
      Agent.Listener listener) {
    String model = wb.checkedModelSpec(modelSpec);
    String lane = slug != null ? slug : Task.of(task).suggestedSlug();
    Worktree wt =
        wb.worktrees()
            .find(lane)
            .filter(w -> Files.isDirectory(w.path()))
            .orElseGet(() -> wb.worktrees().add(lane, wb.addOptions().withFetch(true)));
    Path file =
        sessionFile != null
            ? sessionFile
            : wb.sessionsDir()
                .resolve(
                    "agent-"
                        + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                            .withZone(ZoneOffset.UTC)
                            .format(wb.settings().clock().instant())
                        + "-"
                        + wt.slug().value()
                        + ".jsonl");
    SessionStore.Options opts = SessionStore.Options.defaults().withClock(wb.settings().clock());
    try (SessionStore session =
        Files.exists(file)
            ? SessionStore.open(file, opts)
            : SessionStore.create(file, wb.repo().toString(), opts)) {
      if (session.laneHead(wt.slug().value()).isEmpty()) {
        Agent.begin(session, wt.slug().value(), null, Prompts.codingAgent(wt.branch()), task);
      } else {
        session.append(Draft.onLane(wt.slug().value(), Body.Message.of(Role.USER, task)));
      }
      Agent.Outcome outcome =
          wb.agent(session, wt.slug().value(), wt.path(), wb.model(model), listener).run();
      return new Result(wt.slug().value(), wt.path(), wt.branch(), file, outcome);
    }
  }
}
