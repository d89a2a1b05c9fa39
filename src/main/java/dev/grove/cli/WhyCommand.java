package dev.grove.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.git.Git;
import dev.grove.orchestrator.Why;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "why",
    description =
        "Trace a line of code back to the reasoning that wrote it: git blame finds the commit, "
            + "its Grove-Session and Grove-Entry trailers find the agent's lane, and the checkpoints along it find the tool call "
            + "that first produced the line. Prints that path of reasoning: the task, what the agent said, the calls it made.")
final class WhyCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(
      paramLabel = "FILE:LINE",
      description =
          "A file (relative to the current directory or the repository) and a line number.")
  String where;

  @Option(
      names = "--rev",
      paramLabel = "REV",
      description =
          "Look at the file as of this revision (e.g. task/fix-login), not the working tree.")
  String rev;

  @Mixin RepoOption repo;

  @Mixin JsonFlag json;

  WhyCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    int colon = where.lastIndexOf(':');
    if (colon < 1 || !where.substring(colon + 1).matches("\\d+")) {
      throw Exits.usage("give FILE:LINE, e.g. src/Login.java:42");
    }
    Git git = new Git(ctx.env()).withoutHooks();
    Path start = repo.dir(ctx);
    Path top = Path.of(git.run(start, java.util.List.of("rev-parse", "--show-toplevel")).out());
    Path file = ctx.path(Path.of(where.substring(0, colon)));
    String rel = file.startsWith(top) ? top.relativize(file).toString() : where.substring(0, colon);
    if (rev == null && !Files.exists(top.resolve(rel))) {
      throw Exits.notFound(
          "no file " + rel + " in " + top + " (for a file on another branch, add --rev BRANCH)");
    }
    Why.Explanation e =
        Why.explain(
            git,
            top,
            StatusCommand.sessionsDir(ctx, top),
            rel,
            Integer.parseInt(where.substring(colon + 1)),
            rev);
    if (json.json) {
      ObjectNode o =
          Json.object()
              .put("file", e.file())
              .put("line", e.line())
              .put("text", e.text())
              .put("commit", e.commit())
              .put("subject", e.subject())
              .put("author", e.author())
              .put("session", e.session())
              .put("run", e.run())
              .put("lane", e.lane())
              .put("entry", e.writer())
              .put("checkpoint", e.checkpoint());
      ArrayNode steps = o.putArray("reasoning");
      e.reasoning().forEach(x -> steps.add(Json.entry(x)));
      Json.print(ctx.out(), o);
      return e.session() == null ? Exits.FAILED : Exits.OK;
    }
    ctx.out().println(e.file() + ":" + e.line() + "  " + e.text().strip());
    ctx.out()
        .println(
            "  commit "
                + e.commit().substring(0, Math.min(12, e.commit().length()))
                + " \""
                + e.subject()
                + "\""
                + (e.author() == null ? "" : " by " + e.author()));
    if (e.session() == null) {
      ctx.out()
          .println(
              "  grove did not make this commit (it has no Grove-Session trailer): no reasoning to show.");
      return Exits.FAILED;
    }
    ctx.out().println("  run " + e.run() + ", lane " + e.lane() + ", session " + e.session());
    ctx.out()
        .println(
            "  written by entry "
                + e.writer()
                + (e.checkpoint() == null
                    ? ""
                    : " (the first checkpoint holding the line: "
                        + e.checkpoint().substring(0, 12)
                        + ")"));
    ctx.out().println();
    ctx.out().println("The reasoning that wrote it:");
    for (Entry x : e.reasoning()) {
      Body.Message m = (Body.Message) x.body();
      String text = m.content() == null ? "" : m.content().strip().replaceAll("\\s+", " ");
      switch (m.role()) {
        case SYSTEM -> {}
        case USER -> ctx.out().println("  user       " + cut(text, 110));
        case ASSISTANT -> {
          if (!text.isEmpty()) {
            ctx.out().println("  assistant  " + cut(text, 110));
          }
          for (ToolCall c : m.toolCalls()) {
            ctx.out().println("    → " + c.name() + " " + cut(c.arguments(), 100));
          }
        }
        case TOOL ->
            ctx.out()
                .println(
                    "  tool       "
                        + (m.isError() ? "✗ " : "")
                        + cut(text, 100)
                        + (x.id().equals(e.writer()) ? "   ◀ this wrote the line" : ""));
      }
    }
    return Exits.OK;
  }

  private static String cut(String s, int n) {
    return s.length() > n ? s.substring(0, n - 1) + "…" : s;
  }
}
