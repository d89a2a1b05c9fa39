package dev.grove.cli;

import dev.grove.orchestrator.Workbench;
import dev.grove.sandbox.Sandboxes;
import dev.grove.secrets.Secrets;
import dev.grove.session.catalog.Places;
import dev.grove.web.Dashboard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "serve",
    description = {
      "A live dashboard in the browser: every run of every repository grove has run in on this "
          + "machine, each run's lanes as they work, its session tree, entries with their diffs, a lane's "
          + "whole change, two lanes side by side; label, fork with a hint, stop a lane, send a message to a "
          + "running agent, open a pull request, merge, clean. A Sessions view lists and searches what "
          + "grove sessions lists (grove, pi, Claude Code and Codex sessions in the usual places under "
          + "HOME) and opens each read-only as a tree.%n",
      "Listens on 127.0.0.1 and prints the address to open, with a random token that every request "
          + "needs (scripts send it as Authorization: Bearer TOKEN; the API is in docs/api.md). Ctrl-C stops it."
    })
final class ServeCommand implements Callable<Integer> {
  private final Context ctx;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      description =
          "The address to listen on (default 127.0.0.1). Any other makes the dashboard reachable from "
              + "elsewhere, over plain HTTP: grove warns.")
  String host = "127.0.0.1";

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "The port (default 7777; 0 for any free one).")
  int port = 7777;

  @Option(
      names = "--repo",
      paramLabel = "DIR",
      description =
          "Also show this repository's runs (repeatable; default: the repository of the current "
              + "directory, if any, and every one in GROVE_HOME/repositories.json).")
  List<Path> repos = new ArrayList<>();

  ServeCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    List<Path> named = new ArrayList<>();
    repos.forEach(r -> named.add(ctx.path(r)));
    if (named.isEmpty() && insideRepository(ctx.cwd())) {
      named.add(ctx.cwd());
    }
    Dashboard dashboard =
        Dashboard.start(
            new Dashboard.Settings(
                host,
                port,
                ctx.groveHome(),
                named,
                Secrets.of(ctx.env(), List.of()),
                null,
                repo ->
                    Workbench.open(
                        new Workbench.Settings(
                            repo,
                            ctx.groveHome(),
                            ctx.userHome(),
                            ctx.env(),
                            ctx.clock(),
                            Sandboxes.defaultBackend(),
                            null,
                            null,
                            null,
                            null)),
                Places.usual(home(), ctx.env())));
    if (!dashboard.loopback()) {
      ctx.warn(
          "the dashboard listens on "
              + host
              + ": anyone who can reach it and learns the token can read your runs and steer your "
              + "agents, and plain HTTP carries the token unencrypted; prefer 127.0.0.1 with an SSH tunnel");
    }
    ctx.out().println("grove dashboard: " + dashboard.url());
    ctx.out().println("(for scripts: Authorization: Bearer " + dashboard.token() + ")");
    ctx.out().flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        Thread.ofPlatform()
            .unstarted(
                () -> {
                  dashboard.close();
                  stopped.countDown();
                });
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
    return Exits.OK;
  }

  /** The home whose other tools' sessions are listed: the environment's HOME, as for sessions. */
  private Path home() {
    String home = ctx.env().get("HOME");
    return home != null && !home.isBlank() ? Path.of(home) : ctx.userHome();
  }

  private static boolean insideRepository(Path dir) {
    for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve(".git"))) {
        return true;
      }
    }
    return false;
  }
}
