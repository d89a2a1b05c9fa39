package dev.grove.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.git.Checkpoints;
import dev.grove.git.Worktree;
import dev.grove.git.Worktrees;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.SessionStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "checkpoint",
    description =
        "Snapshots of a worktree's files (untracked ones too) as commits bound to session entries, "
            + "and fresh worktrees restored from them.",
    subcommands = {
      CheckpointCommand.List_.class,
      CheckpointCommand.Snapshot.class,
      CheckpointCommand.Restore.class
    },
    footer = {"", "Checkpoints live under refs/grove/; see docs/worktrees.md."})
final class CheckpointCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "list",
      description = {
        "List the entries of a session that carry a checkpoint, in file order.",
        "An entry carries one when it was written with it (an agent's tool result), or when a checkpoint was kept for it "
            + "afterwards (grove checkpoint snapshot --session --entry: entries are never rewritten, so that one lives in "
            + "the ref refs/grove/checkpoints/SESSION/ENTRY of the repository)."
      })
  static final class List_ implements Callable<Integer> {
    private static final int CHUNK = 4096;
    private final Context ctx;

    @Parameters(paramLabel = "FILE", description = "A session file (.jsonl).")
    Path file;

    @Mixin JsonFlag json;
    @Mixin RepoOption repo;

    List_(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      try (SessionStore store = SessionCommand.open(ctx, file)) {
        List<String> messages = new ArrayList<>();
        store.forEachNode(
            n -> {
              if (n.role() != null) {
                messages.add(n.id());
              }
            });
        java.util.Map<String, String> kept = keptFor(ctx, repo, store.header().id());
        List<Entry> found = new ArrayList<>();
        for (int i = 0; i < messages.size(); i += CHUNK) {
          for (Entry e : store.entries(messages.subList(i, Math.min(messages.size(), i + CHUNK)))) {
            if (e.body() instanceof Body.Message m
                && (m.checkpoint() != null || kept.containsKey(e.id()))) {
              found.add(
                  m.checkpoint() != null
                      ? e
                      : new Entry(
                          e.id(),
                          e.parentId(),
                          e.ts(),
                          e.lane(),
                          e.contextRoot(),
                          m.withCheckpoint(kept.get(e.id())),
                          e.line()));
            }
          }
        }
        if (json.json) {
          ArrayNode arr = Json.array();
          for (Entry e : found) {
            Body.Message m = (Body.Message) e.body();
            ObjectNode o = arr.addObject();
            o.put("id", e.id());
            o.put("lane", e.lane());
            o.put("role", m.role().wireName());
            o.put("ts", e.ts() == null ? null : e.ts().toString());
            o.put("checkpoint", m.checkpoint());
            o.put("ref", Checkpoints.ref(store.header().id(), e.id()));
            o.put("line", e.line());
          }
          Json.print(ctx.out(), arr);
          return Exits.OK;
        }
        if (found.isEmpty()) {
          ctx.out().println("no entries with checkpoints in " + store.shown());
          return Exits.OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ENTRY", "LANE", "ROLE", "CHECKPOINT", "TIME", "CONTENT"});
        for (Entry e : found) {
          Body.Message m = (Body.Message) e.body();
          rows.add(
              new String[] {
                e.id(),
                e.lane(),
                m.role().wireName(),
                WorktreeCommand.shortId(m.checkpoint()),
                e.ts() == null ? "-" : e.ts().toString(),
                WorktreeCommand.truncate(m.content() == null ? "" : m.content(), 50)
              });
        }
        WorktreeCommand.printTable(ctx, rows);
      }
      return Exits.OK;
    }
  }

  /**
   * The checkpoints kept for a session's entries in the repository around the current directory (or
   * --repo), entry to commit; none when there is no repository here.
   */
  private static java.util.Map<String, String> keptFor(
      Context ctx, RepoOption repo, String sessionId) {
    try {
      return new Checkpoints(repo.open(ctx)).kept(sessionId);
    } catch (RuntimeException notARepository) {
      return java.util.Map.of();
    }
  }

  /** {@code --session FILE --entry ID}, given together. */
  static final class KeepFor {
    @Option(
        names = "--session",
        paramLabel = "FILE",
        required = true,
        description = "The session file of the entry.")
    Path session;

    @Option(
        names = "--entry",
        paramLabel = "ID",
        required = true,
        description = "The entry (id, unique prefix or label) " + "that carries the checkpoint.")
    String entry;
  }

  @Command(
      name = "snapshot",
      description = {
        "Record a worktree's files as a checkpoint commit and print its id.",
        "Tracked changes and untracked, non-ignored files, without touching the worktree's index, HEAD or branch. "
            + "If nothing changed since its last checkpoint, that one is printed. With --session and --entry the checkpoint is "
            + "also kept for that entry (refs/grove/checkpoints/SESSION/ENTRY); otherwise only until the next snapshot."
      })
  static final class Snapshot implements Callable<Integer> {
    private final Context ctx;

    @Parameters(paramLabel = "SLUG", description = "The worktree.")
    String slug;

    @ArgGroup(exclusive = false)
    KeepFor keep;

    @Mixin RepoOption repo;

    Snapshot(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Worktrees wts = repo.open(ctx);
      Checkpoints cps = new Checkpoints(wts);
      Worktree w = wts.get(slug);
      String commit = cps.snapshot(w.path()).commit();
      if (keep != null) {
        try (SessionStore store = SessionCommand.open(ctx, keep.session)) {
          cps.keep(w.path(), commit, store.header().id(), store.resolve(keep.entry));
        }
      }
      ctx.out().println(commit);
      return Exits.OK;
    }
  }

  @Command(
      name = "restore",
      description = {
        "Create a worktree that looks exactly as the checkpoint's worktree did.",
        "A new branch task/NEWSLUG at the checkpoint's parent, with the checkpoint's files (untracked ones included) as "
            + "uncommitted changes. Prints the worktree's path."
      })
  static final class Restore implements Callable<Integer> {
    private final Context ctx;

    @Parameters(
        index = "0",
        paramLabel = "COMMIT",
        description = "A checkpoint commit (or a ref such as refs/grove/saved/…).")
    String commit;

    @Parameters(index = "1", paramLabel = "NEWSLUG", description = "The new worktree's short name.")
    String slug;

    @Mixin WorktreeCommand.SetupOptions setup;
    @Mixin RepoOption repo;
    @Mixin JsonFlag json;

    Restore(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Worktrees wts = repo.open(ctx);
      Worktree w =
          new Checkpoints(wts).restore(commit, slug, setup.apply(Worktrees.AddOptions.defaults()));
      WorktreeCommand.printCreated(
          ctx, w, "restored " + WorktreeCommand.shortId(commit) + " as", json.json);
      return Exits.OK;
    }
  }
}
