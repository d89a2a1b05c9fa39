package dev.grove.cli;

import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Entry;
import dev.grove.session.Parent;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import dev.grove.session.TreeDrawing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", description = {"Show grove's session trees on a small example: no key, no network.",
    "Builds a session where an agent makes a bad edit, and a second lane retries from just before it,",
    "then prints the tree and the context the retry would send to its model."})
final class DemoCommand implements Callable<Integer> {
  private final Context ctx;

  @Option(names = "--dir", paramLabel = "DIR", description = "Where to write the session (default: a new temporary directory).")
  Path dir;

  DemoCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException {
    Path where = dir == null ? Files.createTempDirectory("grove-demo-") : ctx.path(dir);
    Path file = where.resolve("demo.jsonl");
    try (SessionStore s = SessionStore.create(file, where.toString(), SessionStore.Options.defaults().withClock(ctx.clock()))) {
      Entry sys = s.append(new Draft(Parent.root(), "main", Body.Message.of(Role.SYSTEM,
          "You are a coding agent working in a git worktree. Use the tools; call finish when done.")));
      s.append(Draft.onLane("main", Body.Message.of(Role.USER, "Add a --verbose flag to the CLI.")));
      s.append(Draft.onLane("main", assistant("I'll find where flags are parsed first.",
          new ToolCall("call_1", "grep", "{\"pattern\":\"--quiet\"}"))));
      Entry found = s.append(Draft.onLane("main", Body.Message.toolResult("call_1",
          "src/Args.java:14:    case \"--quiet\" -> quiet = true;", false)));
      s.append(Draft.onLane("main", assistant("I'll add the flag to Main.java.",
          new ToolCall("call_2", "edit_file", "{\"path\":\"src/Main.java\",\"old\":\"args\",\"new\":\"args, verbose\"}"))));
      Entry bad = s.append(Draft.onLane("main", Body.Message.toolResult("call_2",
          "edit_file: 'args' matches 7 places in src/Main.java (lines 3, 9, 12, 17, 20, 31, 44); give more context",
          true)));
      s.append(Draft.onLane("main", new Body.Event("lane.failed", Json.object().put("reason", "edit did not apply"))));
      s.append(Draft.label(bad.id(), "bad-decision"));
      // the retry: a new lane that branches from just before the bad decision, with a hint
      s.append(new Draft(Parent.of(found.id()), "retry", Body.Message.of(Role.USER,
          "Hint: flags are parsed in src/Args.java (see the grep result); edit it there.")));
      s.append(Draft.onLane("retry", assistant("Adding the flag next to --quiet in Args.java.",
          new ToolCall("call_3", "edit_file", "{\"path\":\"src/Args.java\",\"old\":\"case \\\"--quiet\\\"\",\"new\":\"case \\\"--verbose\\\" -> verbose = true;\\n    case \\\"--quiet\\\"\"}"))));
      s.append(Draft.onLane("retry", Body.Message.toolResult("call_3", "edited src/Args.java (1 replacement)", false)));
      s.append(Draft.onLane("retry", assistant("Done: --verbose is parsed in Args.java.",
          new ToolCall("call_4", "finish", "{\"summary\":\"added --verbose\"}"))));
      s.append(Draft.onLane("retry", new Body.Event("lane.finished", Json.object().put("summary", "added --verbose"))));

      ctx.out().println("A session tree with two lanes: 'main' made a bad edit; 'retry' branches from just before it.");
      ctx.out().println();
      TreeDrawing.draw(s, new TreeDrawing.Options("retry", true, ctx.unicode(), 110), ctx.out()::println);
      ctx.out().println();
      ctx.out().println("What the retry lane's model is sent (the path root → head of 'retry'; the bad edit is not on it):");
      ctx.out().println();
      for (Entry e : s.contextOfLane("retry")) {
        SessionCommand.printMessage(ctx, e);
      }
      ctx.out().println("The session file: " + file + "  (" + s.size() + " entries, first system message " + sys.id() + ")");
      ctx.out().println("Explore it:");
      ctx.out().println("  grove session tree " + file);
      ctx.out().println("  grove session context " + file + " --lane main");
      ctx.out().println("  grove session tree " + file + " --json");
      ctx.out().println("  grove session validate " + file);
    }
    return Exits.OK;
  }

  private static Body.Message assistant(String text, ToolCall... calls) {
    return new Body.Message(Role.ASSISTANT, text, List.of(calls), null, false, "scripted", null, null);
  }
}
