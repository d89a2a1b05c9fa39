package dev.grove.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.git.GcReport;
import dev.grove.git.PruneReport;
import dev.grove.git.PruneReport.Action;
import dev.grove.git.Worktree;
import dev.grove.git.Worktrees;
import dev.grove.git.Worktrees.Listing;
import dev.grove.session.SessionException;
import dev.grove.session.SessionHeader;
import dev.grove.session.SessionStore;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "worktree",
    description = {
      "Each agent's own desk: a git worktree on its own branch task/SLUG, outside the repository.",
      "Worktrees go to GROVE_HOME/worktrees/<repo>-<hash>/SLUG (GROVE_HOME defaults to ~/.grove)."
    },
    subcommands = {
      WorktreeCommand.Add.class,
      WorktreeCommand.List_.class,
      WorktreeCommand.Diff.class,
      WorktreeCommand.Remove.class,
      WorktreeCommand.Prune.class,
      WorktreeCommand.Gc.class,
    },
    footer = {"", "grove's git commands run with hooks disabled. See docs/worktrees.md."})
final class WorktreeCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code 90s}, {@code 10m}, {@code 1h}, or plain seconds. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      var m =
          java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)?")
              .matcher(value.strip().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new CommandLine.TypeConversionException(
            "not a duration: '" + value + "' (use e.g. 90s, 10m or 1h)");
      }
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      Duration d =
          switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
          };
      if (d.isZero()) {
        throw new CommandLine.TypeConversionException(
            "a duration must be positive: '" + value + "'");
      }
      return d;
    }
  }

  /**
   * The options of a new worktree shared by {@code worktree add} and {@code checkpoint restore}.
   */
  static final class SetupOptions {
    @Option(
        names = "--unique",
        description = "If SLUG is taken, add a suffix (SLUG-2, SLUG-3, …) instead of failing.")
    boolean unique;

    @Option(
        names = "--setup",
        paramLabel = "CMD",
        description =
            "A shell command to run in the new worktree once it exists "
                + "(e.g. 'npm ci'); its environment has GROVE_WORKTREE, GROVE_SLUG, GROVE_BRANCH and GROVE_REPO.")
    String setup;

    @Option(
        names = "--setup-timeout",
        paramLabel = "DURATION",
        defaultValue = "10m",
        converter = DurationConverter.class,
        description = "Stop the setup command after this long (default: ${DEFAULT-VALUE}).")
    Duration setupTimeout;

    Worktrees.AddOptions apply(Worktrees.AddOptions o) {
      o = o.withUnique(unique);
      return setup == null ? o : o.withSetup(List.of("sh", "-c", setup), setupTimeout);
    }
  }

  static String shortId(String commit) {
    return commit.substring(0, Math.min(12, commit.length()));
  }

  /**
   * Prints a new worktree: its path on stdout (for {@code cd "$(grove worktree add x)"}), the rest
   * on stderr.
   */
  static void printCreated(Context ctx, Worktree w, String what, boolean asJson) {
    if (asJson) {
      Json.print(ctx.out(), w.toJson());
      return;
    }
    ctx.out().println(w.path());
    ctx.err()
        .println(
            "grove: "
                + what
                + " worktree "
                + w.slug()
                + " on branch "
                + w.branch()
                + " (base "
                + w.baseRef()
                + (w.baseRef().equals(w.baseCommit()) ? "" : " at " + shortId(w.baseCommit()))
                + ")");
  }

  @Command(
      name = "add",
      description = {
        "Create branch task/SLUG from a base and a worktree for it.",
        "SLUG is normalized ('Fix Login' becomes fix-login).",
        "Untracked files named in .groveinclude (gitignore syntax) are copied in,",
        "then --setup runs. Prints the worktree's path."
      })
  static final class Add implements Callable<Integer> {
    private final Context ctx;

    @Parameters(paramLabel = "SLUG", description = "The task's short name.")
    String slug;

    @Option(
        names = "--base",
        paramLabel = "REF",
        description =
            "Start from this branch, tag or commit (default: the current "
                + "branch). A remote-tracking branch (origin/main) is fetched first.")
    String base;

    @Option(
        names = "--no-fetch",
        description = "Do not fetch a remote-tracking base; use it as last fetched.")
    boolean noFetch;

    @Mixin SetupOptions setup;
    @Mixin RepoOption repo;
    @Mixin JsonFlag json;

    Add(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Worktrees wts = repo.open(ctx);
      Worktree w =
          wts.add(
              slug,
              setup.apply(Worktrees.AddOptions.defaults().withBase(base).withFetch(!noFetch)));
      printCreated(ctx, w, "created", json.json);
      return Exits.OK;
    }
  }

  @Command(
      name = "list",
      description = {
        "List grove's worktrees and their state.",
        "For each: its branch, state (clean, or how many uncommitted changes), commits ahead of and behind the base, the base, "
            + "the last commit, the path, and whatever is missing (directory, registration, branch). "
            + "Never takes an agent's index lock (git --no-optional-locks)."
      })
  static final class List_ implements Callable<Integer> {
    private static final DateTimeFormatter WHEN =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private final Context ctx;

    @Mixin RepoOption repo;
    @Mixin JsonFlag json;

    List_(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Worktrees wts = repo.open(ctx);
      List<Listing> all = wts.list();
      if (json.json) {
        ArrayNode arr = Json.array();
        for (Listing l : all) {
          ObjectNode o = l.worktree().toJson();
          l.changes().ifPresent(n -> o.put("changes", n));
          o.put("dirty", l.dirty());
          l.ahead().ifPresent(n -> o.put("ahead", n));
          l.behind().ifPresent(n -> o.put("behind", n));
          l.lastCommit()
              .ifPresent(
                  c ->
                      o.putObject("lastCommit")
                          .put("id", c.id())
                          .put("subject", c.subject())
                          .put("time", c.time().toString()));
          ArrayNode missing = o.putArray("missing");
          l.missing().stream()
              .sorted()
              .forEach(m -> missing.add(m.name().toLowerCase(Locale.ROOT)));
          arr.add(o);
        }
        Json.print(ctx.out(), arr);
        return Exits.OK;
      }
      if (all.isEmpty()) {
        ctx.out()
            .println(
                "no grove worktrees in "
                    + wts.repository()
                    + " (grove worktree add SLUG makes one)");
        return Exits.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(
          new String[] {
            "SLUG", "BRANCH", "STATE", "AHEAD", "BEHIND", "BASE", "LAST COMMIT", "PATH"
          });
      for (Listing l : all) {
        Worktree w = l.worktree();
        String state =
            !l.missing().isEmpty()
                ? "missing "
                    + l.missing().stream()
                        .sorted()
                        .map(m -> m.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining("+"))
                : l.dirty()
                    ? l.changes().getAsInt()
                        + (l.changes().getAsInt() == 1 ? " change" : " changes")
                    : "clean";
        String last =
            l.lastCommit()
                .map(
                    c ->
                        c.id().substring(0, 7)
                            + " "
                            + WHEN.format(c.time())
                            + " "
                            + truncate(c.subject(), 40))
                .orElse("-");
        rows.add(
            new String[] {
              w.slug().value(),
              w.branch(),
              state,
              l.ahead().isPresent() ? "+" + l.ahead().getAsInt() : "-",
              l.behind().isPresent() ? "-" + l.behind().getAsInt() : "-",
              w.baseRef(),
              last,
              w.path().toString()
            });
      }
      printTable(ctx, rows);
      return Exits.OK;
    }
  }

  static String truncate(String s, int max) {
    String line = s.lines().findFirst().orElse("");
    return line.length() <= max ? line : line.substring(0, max - 1) + "…";
  }

  static void printTable(Context ctx, List<String[]> rows) {
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        sb.append(i == r.length - 1 ? r[i] : String.format("%-" + width[i] + "s  ", r[i]));
      }
      ctx.out().println(sb.toString().stripTrailing());
    }
  }

  @Command(
      name = "diff",
      description = {
        "Show a worktree's changes against its base.",
        "As git diff shows them: commits, uncommitted changes and untracked files (not ignored ones). The base is where "
            + "the branch forked from the base branch as it is now."
      })
  static final class Diff implements Callable<Integer> {
    private final Context ctx;

    @Parameters(paramLabel = "SLUG", description = "The worktree.")
    String slug;

    static final class Format {
      @Option(names = "--stat", description = "A summary of changed files.")
      boolean stat;

      @Option(names = "--name-status", description = "Only names and kinds of change.")
      boolean nameStatus;
    }

    @ArgGroup(exclusive = true)
    Format format;

    @Mixin RepoOption repo;

    Diff(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Worktrees.DiffFormat f =
          format == null
              ? Worktrees.DiffFormat.PATCH
              : format.stat ? Worktrees.DiffFormat.STAT : Worktrees.DiffFormat.NAME_STATUS;
      ctx.out().print(repo.open(ctx).diff(slug, f));
      ctx.out().flush();
      return Exits.OK;
    }
  }

  @Command(
      name = "remove",
      description = {
        "Remove a worktree, its branch (unless --keep-branch) and grove's record of it.",
        "Refuses when there are uncommitted changes or commits on the branch that no other branch, tag or remote-tracking "
            + "branch has. With --force it first saves all of it as one commit under refs/grove/saved/SLUG/<time> and says where."
      })
  static final class Remove implements Callable<Integer> {
    private final Context ctx;

    @Parameters(paramLabel = "SLUG", description = "The worktree.")
    String slug;

    @Option(
        names = "--force",
        description = "Remove even with unsaved work (saving it first), or when locked.")
    boolean force;

    @Option(
        names = "--keep-branch",
        description = "Keep the branch (e.g. once it is pushed for a pull request).")
    boolean keepBranch;

    @Mixin RepoOption repo;
    @Mixin JsonFlag json;

    Remove(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Worktrees.Removal r =
          repo.open(ctx).remove(slug, new Worktrees.RemoveOptions(force, keepBranch));
      if (json.json) {
        ObjectNode o = r.worktree().toJson();
        o.put("branchDeleted", r.branchDeleted());
        o.put("changes", r.changes().size());
        o.put("unpushedCommits", r.unpushedCommits());
        o.put("savedRef", r.savedRef().orElse(null));
        o.put("savedCommit", r.savedCommit().orElse(null));
        Json.print(ctx.out(), o);
        return Exits.OK;
      }
      ctx.out()
          .println(
              "removed worktree "
                  + r.worktree().slug()
                  + " at "
                  + r.worktree().path()
                  + (r.branchDeleted() ? " and branch " + r.worktree().branch() : ""));
      if (r.savedRef().isPresent()) {
        String commit = r.savedCommit().orElseThrow();
        ctx.out()
            .println(
                "saved "
                    + r.changes().size()
                    + " uncommitted change"
                    + (r.changes().size() == 1 ? "" : "s")
                    + " and "
                    + r.unpushedCommits()
                    + " unpushed commit"
                    + (r.unpushedCommits() == 1 ? "" : "s")
                    + " as "
                    + shortId(commit)
                    + " under "
                    + r.savedRef().get());
        ctx.out()
            .println(
                "get it back with: grove checkpoint restore "
                    + shortId(commit)
                    + " "
                    + r.worktree().slug());
      }
      return Exits.OK;
    }
  }

  @Command(
      name = "prune",
      description = {
        "Clean up after a crash or a hand-deleted worktree directory.",
        "Removes registrations of grove worktrees whose directory is gone, deletes directories under grove's root that git "
            + "no longer knows (saving their files under refs/grove/saved/ first), deletes branches of gone worktrees that "
            + "hold no unique commits (keeping those that do), and removes stale git lock files. Reports the disk space "
            + "freed. Leaves worktrees that are not grove's alone."
      })
  static final class Prune implements Callable<Integer> {
    private final Context ctx;

    @Option(
        names = {"-n", "--dry-run"},
        description = "Only say what would be done.")
    boolean dryRun;

    @Option(
        names = "--stale-after",
        paramLabel = "DURATION",
        defaultValue = "10m",
        converter = DurationConverter.class,
        description = "Lock files older than this are stale (default: ${DEFAULT-VALUE}).")
    Duration staleAfter;

    @Mixin RepoOption repo;
    @Mixin JsonFlag json;

    Prune(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      PruneReport r = repo.open(ctx).prune(dryRun, staleAfter);
      if (json.json) {
        ObjectNode o = Json.object();
        o.put("dryRun", r.dryRun());
        o.put("bytesFreed", r.bytesFreed());
        ArrayNode arr = o.putArray("actions");
        r.actions()
            .forEach(
                a ->
                    arr.addObject()
                        .put("action", kind(a))
                        .put("what", describe(a))
                        .put("bytes", a.bytes()));
        Json.print(ctx.out(), o);
        return Exits.OK;
      }
      String would = r.dryRun() ? "would " : "";
      for (Action a : r.actions()) {
        ctx.out().println(would + describe(a));
      }
      ctx.out()
          .println(
              r.actions().isEmpty()
                  ? "nothing to prune"
                  : (r.dryRun() ? "would free " : "freed ") + megabytes(r.bytesFreed()));
      return Exits.OK;
    }

    private static String kind(Action a) {
      return switch (a) {
        case Action.RemovedRegistration x -> "remove-registration";
        case Action.RemovedDirectory x -> "remove-directory";
        case Action.DeletedBranch x -> "delete-branch";
        case Action.KeptBranch x -> "keep-branch";
        case Action.DroppedRecord x -> "drop-record";
        case Action.DeletedStaleFile x -> "delete-stale-file";
        case Action.DeletedRef x -> "delete-ref";
        case Action.LeftLocked x -> "leave-locked";
      };
    }

    private static String describe(Action a) {
      return switch (a) {
        case Action.RemovedRegistration x ->
            "remove the registration of " + x.path() + " (its directory is gone)";
        case Action.RemovedDirectory x ->
            "delete "
                + x.path()
                + " (git no longer knows it as a worktree; "
                + megabytes(x.bytes())
                + (x.savedRef()
                    .map(ref -> "; its files are saved under " + ref)
                    .orElse(
                        x.hadFiles()
                            ? "; files the branch lacks are saved under refs/grove/saved/ first"
                            : ""))
                + ")";
        case Action.DeletedBranch x ->
            "delete branch " + x.branch() + " (its worktree is gone; no unique commits)";
        case Action.KeptBranch x ->
            "keep branch "
                + x.branch()
                + ": its worktree is gone but it has "
                + x.uniqueCommits()
                + " commit"
                + (x.uniqueCommits() == 1 ? "" : "s")
                + " no other branch has (git branch -D removes it)";
        case Action.DroppedRecord x -> "forget worktree " + x.slug() + " (nothing of it is left)";
        case Action.DeletedStaleFile x ->
            "delete stale " + x.path() + " (" + x.age().toMinutes() + " min old)";
        case Action.DeletedRef x -> "delete " + x.ref() + " (its worktree is gone)";
        case Action.LeftLocked x ->
            "leave " + x.path() + " alone: it is locked (git worktree unlock to release it)";
      };
    }

    static String megabytes(long bytes) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
  }

  @Command(
      name = "gc",
      description = {
        "Delete the checkpoint refs of sessions that no longer exist.",
        "Those are refs/grove/checkpoints/SESSION/ENTRY.",
        "The live sessions are those whose files are among the repository's runs (.git/grove/sessions; or --sessions DIR), and the sessions they were "
            + "forked from. The commits themselves go at git's next garbage collection."
      })
  static final class Gc implements Callable<Integer> {
    private final Context ctx;

    @Option(
        names = {"-n", "--dry-run"},
        description = "Only say what would be deleted.")
    boolean dryRun;

    @Option(
        names = "--sessions",
        paramLabel = "DIR",
        description =
            "Where the session files (*.jsonl) are; repeatable "
                + "(default: the repository's runs, .git/grove/sessions).")
    List<Path> sessions;

    @Mixin RepoOption repo;
    @Mixin JsonFlag json;

    Gc(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
      Worktrees wts = repo.open(ctx);
      List<Path> dirs =
          sessions == null
              ? List.of(StatusCommand.sessionsDir(ctx, wts.repository()))
              : sessions.stream().map(ctx::path).toList();
      Set<String> live = new HashSet<>();
      for (Path d : dirs) {
        if (!Files.isDirectory(d)) {
          throw Exits.notFound(
              "no session directory "
                  + d
                  + ": without it every checkpoint would look dead; "
                  + "pass --sessions DIR where the session files are");
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(d, "*.jsonl")) {
          for (Path f : files) {
            SessionHeader h;
            try {
              h = SessionStore.readHeader(f);
            } catch (SessionException e) {
              ctx.warn(
                  "cannot tell which session "
                      + f
                      + " is, so nothing is collected; fix or move it");
              throw e;
            }
            live.add(h.id());
            if (h.forkedFrom() != null) {
              live.add(h.forkedFrom().session()); // its entries, and their checkpoints, were copied
            }
          }
        }
      }
      GcReport r = wts.gc(dryRun, live);
      if (json.json) {
        ObjectNode o = Json.object();
        o.put("dryRun", r.dryRun());
        o.put("liveSessions", live.size());
        o.put("keptRefs", r.keptRefs());
        o.put("deletedRefs", r.deletedRefs());
        ObjectNode by = o.putObject("deletedBySession");
        r.deletedBySession().forEach(by::put);
        Json.print(ctx.out(), o);
        return Exits.OK;
      }
      r.deletedBySession()
          .forEach(
              (session, n) ->
                  ctx.out()
                      .println(
                          (r.dryRun() ? "would delete " : "deleted ")
                              + n
                              + " checkpoint ref"
                              + (n == 1 ? "" : "s")
                              + " of session "
                              + session));
      ctx.out()
          .println(
              (r.dryRun() ? "would delete " : "deleted ")
                  + r.deletedRefs()
                  + " checkpoint refs; kept "
                  + r.keptRefs()
                  + " of "
                  + live.size()
                  + " live session"
                  + (live.size() == 1 ? "" : "s"));
      return Exits.OK;
    }
  }
}
