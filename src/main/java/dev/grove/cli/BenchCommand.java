package dev.grove.cli;

import dev.grove.bench.GitBenchmark;
import dev.grove.bench.RunBenchmark;
import dev.grove.bench.SandboxBenchmark;
import dev.grove.bench.SecretsBenchmark;
import dev.grove.bench.SessionBenchmark;
import dev.grove.bench.StartupBenchmark;
import dev.grove.fs.FileTree;
import dev.grove.git.Git;
import dev.grove.orchestrator.RadarBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    description = "Benchmarks that print figures (see docs/benchmarks.md).",
    subcommands = {
      BenchCommand.Session.class,
      BenchCommand.Sandbox.class,
      BenchCommand.Run.class,
      BenchCommand.Radar.class,
      BenchCommand.Git_.class,
      BenchCommand.Secrets.class,
      dev.grove.bench.SessionsBenchmark.class,
      BenchCommand.Startup.class
    })
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What a benchmark does in its directory. */
  interface InDirectory {
    void run(Path where) throws Exception;
  }

  /** Runs a benchmark in {@code dir}, or in a temporary directory that is deleted after. */
  static void inDirectory(Context ctx, Path dir, String prefix, InDirectory action)
      throws Exception {
    Path where =
        dir == null ? Files.createTempDirectory(prefix) : Files.createDirectories(ctx.path(dir));
    try {
      action.run(where.toRealPath());
    } finally {
      if (dir == null) {
        FileTree.deleteOrThrow(where);
      }
    }
  }

  @Command(
      name = "session",
      description = {
        "Session store: open, context, tree and append throughput on generated sessions, and one "
            + "writer's durable append latency next to a bare write+fdatasync of the same bytes.",
        "Run with a capped heap to check memory, e.g. GROVE_JAVA_OPTS=-Xmx512m ./grove bench session."
      })
  static final class Session implements Callable<Integer> {
    private final Context ctx;

    @Option(
        names = "--sizes",
        split = ",",
        paramLabel = "N",
        defaultValue = "10000,100000,1000000",
        description = "Session sizes in entries (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(
        names = "--runs",
        defaultValue = "5",
        description = "Timed runs per figure (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(
        names = "--appends",
        defaultValue = "2000",
        description =
            "Appends per throughput run and per latency figure (default: ${DEFAULT-VALUE}).")
    int appends;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "Where to generate files (default: a temporary directory, deleted after).")
    Path dir;

    @Option(
        names = "--seed",
        defaultValue = "42",
        description = "Seed for the generated content (default: ${DEFAULT-VALUE}).")
    long seed;

    Session(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      inDirectory(
          ctx,
          dir,
          "grove-bench-",
          where -> new SessionBenchmark(where, seed, runs, appends, ctx.out()).run(sizes));
      return Exits.OK;
    }
  }

  @Command(
      name = "sandbox",
      description = {
        "Sandbox overhead per command: `true` and `git status` run directly, "
            + "in bubblewrap, and in bubblewrap with limits."
      })
  static final class Sandbox implements Callable<Integer> {
    private final Context ctx;

    @Option(
        names = "--runs",
        defaultValue = "50",
        description = "Timed runs per figure (default: ${DEFAULT-VALUE}).")
    int runs;

    Sandbox(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      inDirectory(
          ctx,
          null,
          "grove-bench-sandbox-",
          where -> new SandboxBenchmark(where, runs, ctx.env(), ctx.out()).run());
      return Exits.OK;
    }
  }

  @Command(
      name = "run",
      description = {
        "grove's own cost per agent step (tools, checkpoint, fsynced appends, context; no "
            + "model, no commands) with several agents working in parallel in one session file.",
        "The model is scripted and answers after --model-latency, like a real one (off-CPU)."
      })
  static final class Run implements Callable<Integer> {
    private final Context ctx;

    @Option(
        names = "--lanes",
        split = ",",
        paramLabel = "N",
        defaultValue = "1,8,32",
        description = "Parallel agents per measurement (default: ${DEFAULT-VALUE}).")
    List<Integer> lanes;

    @Option(
        names = "--steps",
        defaultValue = "40",
        description = "Model calls per agent (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
        names = "--model-latency",
        paramLabel = "MS",
        defaultValue = "500",
        description =
            "How long the scripted model takes to answer, in ms (default: ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "Where to work (default: a temporary directory, deleted after).")
    Path dir;

    Run(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      inDirectory(
          ctx,
          dir,
          "grove-bench-run-",
          where ->
              new RunBenchmark(where, ctx.env(), ctx.out())
                  .run(lanes, steps, java.time.Duration.ofMillis(latencyMs)));
      return Exits.OK;
    }
  }

  @Command(
      name = "radar",
      description =
          "The conflict radar's cost per look on a generated repository, with 8 and 32 active lanes:"
              + " the first look, a look after one lane moved, a look when nothing moved.")
  static final class Radar implements Callable<Integer> {
    private final Context ctx;

    @Option(
        names = "--files",
        defaultValue = "10000",
        description = "Files in the repository (default: ${DEFAULT-VALUE}).")
    int files;

    @Option(
        names = "--lanes",
        split = ",",
        paramLabel = "N",
        defaultValue = "8,32",
        description = "Active lanes per measurement (default: ${DEFAULT-VALUE}).")
    List<Integer> lanes;

    @Option(
        names = "--rounds",
        defaultValue = "9",
        description = "Looks per figure (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "Where to work (default: a temporary directory, deleted after).")
    Path dir;

    Radar(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      inDirectory(
          ctx,
          dir,
          "grove-bench-radar-",
          where -> new RadarBenchmark(where, ctx.env(), ctx.out()).run(files, lanes, rounds));
      return Exits.OK;
    }
  }

  @Command(
      name = "git",
      description = {
        "Worktrees and checkpoints on generated repositories: git worktree add vs git clone "
            + "--local/--shared, many worktrees created in parallel, and checkpoint cost next to git status.",
        "Needs a few GB of disk for 50,000 files and 32 parallel worktrees."
      })
  static final class Git_ implements Callable<Integer> {
    private final Context ctx;

    @Option(
        names = "--files",
        split = ",",
        paramLabel = "N",
        defaultValue = "10000,50000",
        description = "Repository sizes in files of ~6 KB (default: ${DEFAULT-VALUE}).")
    List<Integer> files;

    @Option(
        names = "--parallel",
        split = ",",
        paramLabel = "N",
        defaultValue = "16,32",
        description = "Worktrees created at once (default: ${DEFAULT-VALUE}).")
    List<Integer> parallel;

    @Option(
        names = "--runs",
        defaultValue = "5",
        description = "Timed runs per figure (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(
        names = "--parallel-runs",
        defaultValue = "3",
        description = "Runs of each parallel creation (default: ${DEFAULT-VALUE}).")
    int parallelRuns;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description =
            "Where to generate repositories (default: a temporary directory, deleted after).")
    Path dir;

    @Option(
        names = "--seed",
        defaultValue = "42",
        description = "Seed for the generated content (default: ${DEFAULT-VALUE}).")
    long seed;

    Git_(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      inDirectory(
          ctx,
          dir,
          "grove-bench-git-",
          where ->
              new GitBenchmark(where, new Git(ctx.env()), seed, runs, parallelRuns, ctx.out())
                  .run(files, parallel));
      return Exits.OK;
    }
  }

  @Command(
      name = "secrets",
      description =
          "Redaction: masking the environment's secrets in a 1 MB model reply, and making the redactor.")
  static final class Secrets implements Callable<Integer> {
    private final Context ctx;

    Secrets(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      new SecretsBenchmark(ctx.out()).run();
      return Exits.OK;
    }
  }

  @Command(
      name = "startup",
      description = {
        "Start-up: java -version, grove --version and grove session leaves on a small file, with the "
            + "launcher's start-up cache and without (GROVE_CACHE=off), started in turn; wall and CPU "
            + "time of each start.",
        "Run it through the grove launcher (./grove bench startup), which it starts, or name launchers with --launcher."
      })
  static final class Startup implements Callable<Integer> {
    private final Context ctx;

    @Option(
        names = "--runs",
        defaultValue = "11",
        description = "Starts of each command (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(
        names = "--file",
        paramLabel = "FILE",
        description = "The session file session leaves reads (default: a small one, generated).")
    Path file;

    @Option(
        names = "--launcher",
        paramLabel = "PATH",
        description =
            "A grove launcher to start (default: the one that started this grove); give several to"
                + " compare builds, their starts interleaved.")
    List<Path> launchers;

    Startup(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      List<Path> starting;
      if (launchers != null && !launchers.isEmpty()) {
        starting = launchers.stream().map(ctx::path).toList();
      } else if (ctx.env().get("GROVE_LAUNCHER") != null) {
        starting = List.of(Path.of(ctx.env().get("GROVE_LAUNCHER")));
      } else {
        throw Exits.usage(
            "grove bench startup starts a grove launcher, and this grove was not started by one:"
                + " run it as ./grove bench startup, or name one with --launcher");
      }
      StartupBenchmark bench =
          new StartupBenchmark(ctx.out(), starting, Path.of(System.getProperty("java.home")), runs);
      Path session = file == null ? null : ctx.path(file);
      inDirectory(ctx, null, "grove-bench-startup-", where -> bench.run(session, where));
      return Exits.OK;
    }
  }
}
