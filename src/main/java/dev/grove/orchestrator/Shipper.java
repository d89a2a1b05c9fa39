package dev.grove.orchestrator;

import dev.grove.forge.Forge;
import dev.grove.forge.Forges;
import dev.grove.forge.PullRequest;
import dev.grove.forge.PullRequestDraft;
import dev.grove.forge.RemoteUrl;
import dev.grove.git.Shipping;
import dev.grove.git.Worktree;
import dev.grove.git.Worktrees;
import dev.grove.sandbox.CommandResult;
import dev.grove.text.AgentText;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A finished lane's way out, one recorded step at a time: commit its work on {@code task/<slug>},
 * verify that very commit, push it, open its pull request, remove its worktree. Every step is an
 * event, and every step first reads the lane's events to see whether it was done already, so that
 * running it again — after a crash, a kill or Ctrl-C at any point, by {@code grove resume} —
 * finishes the job exactly once: nothing is committed or pushed twice, and nothing ships without a
 * recorded passing verification of the commit that ships.
 */
final class Shipper {
  /** How long a verification command may take. */
  static final Duration VERIFY_TIMEOUT = Duration.ofMinutes(20);

  /** How a lane's conclusion came out. */
  sealed interface Result {
    /**
     * Its pull request is open (the clean-up may have failed: it is recorded, and grove clean does
     * it).
     */
    record Shipped(PullRequest pullRequest) implements Result {}

    /** The agent changed no files: there is nothing to ship. */
    record NothingToShip() implements Result {}

    /**
     * Committed and verified; the run does not ship (--no-ship, or an orchestrator agent ships).
     */
    record Kept(String commit) implements Result {}

    /** A verification command failed: the lane failed. */
    record VerificationFailed(String reason) implements Result {}

    /** A step of shipping failed: recorded, the lane stays finished, resume ships it again. */
    record ShippingFailed(String step, String reason) implements Result {}
  }

  private final RunContext run;
  private Forge forge;

  Shipper(RunContext run) {
    this.run = run;
  }

  /**
   * What must pass before a lane's work ships: the run's own verification (the user's {@code
   * --verify} or {@code [run] verify}), always, then the task's, which can only add to it — a model
   * that spawns an agent with {@code verify: "true"} does not replace the user's check.
   */
  List<String> verifyCommands(Task t) {
    List<String> commands = new ArrayList<>();
    String verify = run.options().verify();
    if (verify != null && !verify.isBlank()) {
      commands.add(verify);
    }
    if (t.verify() != null && !t.verify().isBlank() && !commands.contains(t.verify())) {
      commands.add(t.verify());
    }
    return commands;
  }

  /**
   * Takes a finished lane as far as it goes: commit, verify, and — when {@code ship} — push, pull
   * request and clean-up. Idempotent: steps recorded already are not done again.
   */
  Result conclude(Lane l, boolean ship) {
    CrashPoint.reach("finished");
    Steps done = Steps.of(run.log(), l.name);
    Committed c;
    try {
      c = commit(l, done);
    } catch (RuntimeException e) {
      return failed(l, "commit", e);
    }
    if (c.files() == 0) {
      run.listener()
          .lane(l.name, LaneState.FINISHED, "nothing to ship: the agent changed no files");
      return new Result.NothingToShip();
    }
    Optional<String> failure = verify(l, c.commit(), done);
    if (failure.isPresent()) {
      l.state = LaneState.FAILED;
      run.listener().lane(l.name, LaneState.FAILED, failure.get());
      return new Result.VerificationFailed(failure.get());
    }
    if (!ship) {
      return new Result.Kept(c.commit());
    }
    return ship(l, c, done);
  }

  /** The lane's work as a commit on its branch: the one recorded, or a new one. */
  private Committed commit(Lane l, Steps done) {
    Worktrees worktrees = run.wb().worktrees();
    if (done.committed != null) {
      Optional<String> tip = worktrees.refs().commit("refs/heads/" + Lanes.branch(l.name));
      if (tip.isPresent() && tip.get().equals(done.committed.commit())) {
        return new Committed(
            done.committed.commit(),
            done.committed.files(),
            done.committed.stat(),
            done.committed.paths(),
            done.committed.leftOut());
      }
    }
    String end = run.session().laneHead(l.name).orElseThrow();
    String summary = done.summary;
    Shipping shipping = run.wb().shipping();
    Shipping.Shipment s =
        shipping.commit(
            l.name, commitMessage(l, summary, end), shipping.identity(), run.options().generated());
    CrashPoint.reach("commit");
    List<String> leftOut =
        s.leftOut().stream().map(o -> o.path() + ": " + o.reason().description()).toList();
    run.log()
        .append(
            l.name,
            new RunEvent.LaneCommitted(
                s.commit(), s.files().size(), s.shortstat(), s.files(), leftOut));
    if (!leftOut.isEmpty()) {
      run.listener()
          .lane(
              l.name, LaneState.FINISHED, "left out of the commit: " + String.join("; ", leftOut));
    }
    return new Committed(s.commit(), s.files().size(), s.shortstat(), s.files(), leftOut);
  }

  /**
   * Runs the verification commands that have no recorded pass for {@code commit}, in order, until
   * one fails; records each. Empty when all passed, else why not (also recorded as the lane's
   * failure).
   */
  private Optional<String> verify(Lane l, String commit, Steps done) {
    for (String command : verifyCommands(l.task)) {
      if (done.passed(command, commit)) {
        continue;
      }
      Worktree wt = run.wb().worktrees().get(l.name);
      run.listener().lane(l.name, LaneState.RUNNING, "verifying: " + command);
      CommandResult r = run.sandboxed(wt.path(), command);
      CrashPoint.reach("verify");
      String output = r.stdout().text() + r.stderr().text();
      if (output.length() > 2000) {
        output = "…" + output.substring(output.length() - 2000);
      }
      run.log()
          .append(
              l.name,
              new RunEvent.LaneVerified(
                  command, r.succeeded(), r.exitCode(), r.timedOut(), output, commit));
      if (!r.succeeded()) {
        String last = output.strip().lines().reduce((a, b) -> b).orElse("");
        String reason =
            "verification failed: `"
                + command
                + "` exited "
                + r.exitCode()
                + (last.isEmpty() ? "" : " (" + last + ")");
        run.log().append(l.name, new RunEvent.LaneFailed(reason, RunEvent.Work.NONE));
        return Optional.of(reason);
      }
    }
    return Optional.empty();
  }

  private Result ship(Lane l, Committed c, Steps done) {
    String branch = Lanes.branch(l.name);
    String step = "push";
    PullRequest opened = null;
    try {
      String remote = run.options().remote();
      String remoteUrl =
          run.wb()
              .shipping()
              .remoteUrl(remote)
              .orElseThrow(
                  () ->
                      new OrchestratorException(
                          "the repository has no remote '"
                              + remote
                              + "' to push to: add one (git remote add "
                              + remote
                              + " URL) or name another with --remote"));
      if (!c.commit().equals(done.pushed)) {
        run.wb().shipping().push(remote, branch, c.commit());
        CrashPoint.reach("push");
        run.log()
            .append(
                l.name,
                new RunEvent.LanePushed(
                    remote, RemoteUrl.withoutCredentials(remoteUrl), branch, c.commit()));
        run.listener().lane(l.name, LaneState.FINISHED, "pushed " + branch + " to " + remote);
      }

      step = "pull request";
      if (done.pullRequest != null && c.commit().equals(done.pushed)) {
        opened =
            new PullRequest(
                done.pullRequest.forge(),
                done.pullRequest.id(),
                done.pullRequest.url(),
                done.pullRequest.head(),
                done.pullRequest.base(),
                true);
      } else {
        List<String> verification = verifyCommands(l.task);
        String end = run.session().laneHead(l.name).orElseThrow();
        opened =
            forge(remoteUrl)
                .open(
                    new PullRequestDraft(
                        branch,
                        l.baseRef,
                        PullRequestBody.title(done.summary, l.task.text()),
                        PullRequestBody.of(
                            run.session(),
                            new PullRequestBody.Facts(
                                l.name,
                                l.task.text(),
                                done.summary,
                                c.paths(),
                                c.stat(),
                                c.leftOut(),
                                verification.isEmpty() ? null : String.join(" && ", verification),
                                run.runId(),
                                end,
                                taskCost(l.name)))));
        CrashPoint.reach("pull-request");
        run.log()
            .append(
                l.name,
                new RunEvent.PullRequestOpened(
                    opened.forge(),
                    opened.id(),
                    opened.url(),
                    opened.existing(),
                    opened.head(),
                    opened.base()));
      }
      l.state = LaneState.SHIPPED;
      run.listener()
          .lane(
              l.name,
              LaneState.SHIPPED,
              (opened.existing() ? "pull request already open: " : "pull request: ")
                  + opened.url());

      step = "clean-up";
      cleanUp(l);
      return new Result.Shipped(opened);
    } catch (RuntimeException e) {
      Result r = failed(l, step, e);
      return "clean-up".equals(step)
          ? new Result.Shipped(opened)
          : r; // shipped: only the worktree is left over
    }
  }

  /**
   * Removes a shipped lane's worktree (its branch stays). What grove left out of the commit is
   * still in it, so it is saved under {@code refs/grove/saved/} first, not lost. Nothing to do when
   * it is gone already.
   */
  void cleanUp(Lane l) {
    Optional<Worktree> wt = run.wb().worktrees().find(l.name);
    if (wt.isEmpty()) {
      return; // a removal cut off half way (its directory already gone) is finished by remove,
      // below
    }
    Worktrees.Removal removal =
        run.wb().worktrees().remove(l.name, new Worktrees.RemoveOptions(true, true));
    CrashPoint.reach("clean-up");
    run.log()
        .append(
            l.name,
            new RunEvent.LaneCleaned(wt.get().path().toString(), removal.savedRef().orElse(null)));
  }

  private Result failed(Lane l, String step, RuntimeException e) {
    String reason = String.valueOf(e.getMessage());
    run.log().append(l.name, new RunEvent.ShippingFailed(step, reason));
    run.listener().lane(l.name, l.state, step + " failed: " + reason);
    return new Result.ShippingFailed(step, reason);
  }

  /**
   * The commit's message: the agent's summary (control characters and anything that looks like a
   * grove trailer removed, references made inert), the task, and grove's trailers as the last
   * paragraph, which is the only place {@link Why} reads them from.
   */
  private String commitMessage(Lane l, String summary, String end) {
    String body =
        AgentText.cap(
            AgentText.inert(AgentText.withoutTrailers(AgentText.plain(summary))).strip(), 20_000);
    String title = AgentText.cap(PullRequestBody.title(summary, l.task.text()), 72);
    String rest = body.startsWith(title) ? body.substring(title.length()).strip() : body;
    String task =
        AgentText.cap(
            AgentText.inert(AgentText.withoutTrailers(AgentText.plain(l.task.text()))).strip(),
            4_000);
    return run.wb()
            .secrets()
            .redact(
                title + "\n\n" + (rest.isEmpty() ? "" : rest + "\n\n") + "Task: " + task + "\n\n")
        + Why.trailers(run.session().header().id(), end, l.name);
  }

  /**
   * The run's forge, made once: a missing token or an unusable remote fails here with what to set.
   */
  synchronized Forge forge(String remoteUrl) {
    if (forge == null) {
      forge =
          Forges.create(
              run.options().forge(),
              remoteUrl,
              run.wb().settings().env(),
              HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).build());
    }
    return forge;
  }

  /** A lane's work as committed. */
  private record Committed(
      String commit, int files, String stat, List<String> paths, List<String> leftOut) {}

  /** What the lane's whole task cost (its attempts, retries, forks, judge), or null if unknown. */
  private Double taskCost(String lane) {
    return RunStatus.of(run.runId(), run.session(), true).lanes().stream()
        .filter(x -> x.lane().equals(lane))
        .findFirst()
        .map(LaneStatus::taskCost)
        .orElse(null);
  }

  /** What a lane's events say was done since its agent last finished. */
  static final class Steps {
    String summary = "";
    RunEvent.LaneCommitted committed;
    final List<RunEvent.LaneVerified> verified = new ArrayList<>();
    String pushed;
    RunEvent.PullRequestOpened pullRequest;

    static Steps of(RunLog log, String lane) {
      Steps s = new Steps();
      for (RunLog.Logged e : log.read(lane)) {
        switch (e.event()) {
          case RunEvent.LaneFinished f -> {
            s = new Steps(); // the agent finished (again): what came before is for another end
            s.summary = f.summary();
          }
          case RunEvent.LaneCommitted c -> s.committed = c;
          case RunEvent.LaneVerified v -> s.verified.add(v);
          case RunEvent.LanePushed p -> s.pushed = p.commit();
          case RunEvent.PullRequestOpened p -> s.pullRequest = p;
          default -> {}
        }
      }
      return s;
    }

    /** Whether {@code command} passed on {@code commit}, and did not fail on it since. */
    boolean passed(String command, String commit) {
      boolean ok = false;
      for (RunEvent.LaneVerified v : verified) {
        if (v.command().equals(command) && commit.equals(v.commit())) {
          ok = v.ok();
        }
      }
      return ok;
    }
  }
}
