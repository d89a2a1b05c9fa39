package dev.grove.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.Parent;
import dev.grove.session.Problem;
import dev.grove.session.Role;
import dev.grove.session.SessionException;
import dev.grove.session.SessionHeader;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import dev.grove.session.TreeDrawing;
import dev.grove.session.ValidationReport;
import dev.grove.session.foreign.ForeignSessions;
import dev.grove.session.foreign.Format;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "session",
    description =
        "Read and write session trees: append-only JSONL files of entries with ids and parents.",
    footer = {
      "",
      "The format is described in docs/session-format.md. tree, context, leaves, show, export and "
          + "validate also read other tools' session files, read-only: pi sessions, Claude Code "
          + "transcripts (~/.claude/projects/*/*.jsonl) and Codex CLI rollouts "
          + "(~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl); see docs/interop.md."
    })
final class SessionCommand implements Runnable {
  /**
   * The subcommands, in the order {@code --help} lists them. Not in the {@code @Command}: {@link
   * GroveCommand#commandLine} adds only the one a command line names, as it does one level up.
   */
  static final List<GroveCommand.Sub> SUBCOMMANDS =
      List.of(
          new GroveCommand.Sub("new", New.class),
          new GroveCommand.Sub("append", Append.class),
          new GroveCommand.Sub("tree", Tree.class),
          new GroveCommand.Sub("context", Context_.class),
          new GroveCommand.Sub("show", Show.class),
          new GroveCommand.Sub("leaves", Leaves.class),
          new GroveCommand.Sub("label", Label.class),
          new GroveCommand.Sub("head", Head.class),
          new GroveCommand.Sub("fork", Fork.class),
          new GroveCommand.Sub("validate", Validate.class),
          new GroveCommand.Sub("import", Import.class),
          new GroveCommand.Sub("export", SessionExportCommand.class));

  /** The FILE parameter of the commands that only read: any tool's session. */
  static final String FILE_TO_READ =
      "A session file (.jsonl): grove's, or pi's, Claude Code's or Codex's (only read); or a run"
          + " id of this repository.";

  /** The FILE parameter of the commands that write: grove's own sessions only. */
  static final String FILE_TO_WRITE =
      "A grove session file (.jsonl), or a run id of this repository.";

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Opens a session file to read: grove's own, or another tool's (pi, Claude Code, Codex CLI): a pi
   * file of format 2 or 3 read in place, any other through a converted copy in {@code
   * GROVE_HOME/imports} (made once per version of the file). The file itself is never written.
   */
  static SessionStore open(Context ctx, Path file) {
    Path source = resolve(ctx, file);
    SessionStore store = ForeignSessions.open(source, ctx.groveHome().resolve("imports"));
    store.warnings().forEach(ctx::warn);
    return store;
  }

  /** Opens a session file to read as {@link #open} does, but another tool's always converted. */
  static SessionStore openConverted(Context ctx, Path file) {
    Path source = resolve(ctx, file);
    SessionStore store =
        SessionStore.open(
            ForeignSessions.readable(source, ctx.groveHome().resolve("imports")),
            SessionStore.Options.defaults().shownAs(source));
    store.warnings().forEach(ctx::warn);
    return store;
  }

  /** Opens a session file to append to: grove's own only. */
  static SessionStore openForWriting(Context ctx, Path file) {
    Path source = resolve(ctx, file);
    Format format = ForeignSessions.detect(source);
    if (format != Format.GROVE) {
      throw new SessionException(
          "session file "
              + source
              + " is a "
              + format.tool()
              + " session: grove never writes into another tool's file (`grove session import "
              + source
              + " --out FILE` makes a grove session of it)");
    }
    SessionStore store = SessionStore.open(source);
    store.warnings().forEach(ctx::warn);
    return store;
  }

  /**
   * A session file named on the command line: the path as given when it exists; else, when it looks
   * like a run id (or a unique prefix of one), that run of the current repository, so {@code grove
   * session tree 20261130-120000-ab12} works without knowing where runs are kept.
   */
  static Path resolve(Context ctx, Path file) {
    Path p = ctx.path(file);
    String name = file.toString();
    if (Files.exists(p)
        || name.contains("/")
        || name.endsWith(".jsonl")
        || !name.matches("\\d{4,8}[0-9a-f-]*")
        || StatusCommand.repositoryTop(ctx.cwd()) == null) {
      return p;
    }
    return dev.grove.orchestrator.Runs.file(StatusCommand.sessionsDir(ctx, ctx.cwd()), name);
  }

  @Command(name = "new", description = "Create a session file and print its session id.")
  static final class New implements Callable<Integer> {
    private final Context ctx;

    @Parameters(paramLabel = "FILE", description = "The file to create (must not exist).")
    Path file;

    @Option(
        names = "--cwd",
        paramLabel = "DIR",
        description = "The working directory the session is about (default: the current one).")
    Path cwd;

    @Mixin JsonFlag json;

    New(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Path dir = cwd == null ? ctx.cwd() : ctx.path(cwd);
      try (SessionStore store =
          SessionStore.create(
              ctx.path(file),
              dir.toString(),
              SessionStore.Options.defaults().withClock(ctx.clock()))) {
        if (json.json) {
          ObjectNode o = Json.object();
          o.put("id", store.header().id());
          o.put("file", store.shown().toString());
          o.put("createdAt", store.header().createdAt().toString());
          o.put("cwd", store.header().cwd());
          Json.print(ctx.out(), o);
        } else {
          ctx.out().println(store.header().id());
        }
      }
      return Exits.OK;
    }
  }

  @Command(
      name = "append",
      description = {
        "Append an entry and print its id.%n",
        "With --lane and no --parent the entry goes on that lane's head (a lane with no entries starts a new root); "
            + "with --parent and no --lane it joins the parent's lane; with both it starts or continues --lane below --parent. "
            + "The entry is on disk (fsynced) when the command returns."
      })
  static final class Append implements Callable<Integer> {
    private final Context ctx;

    @Parameters(paramLabel = "FILE", description = FILE_TO_WRITE)
    Path file;

    @Option(
        names = "--parent",
        paramLabel = "ID",
        description = "The entry to append below (an id, a unique prefix of one, or a label).")
    String parent;

    @Option(names = "--lane", paramLabel = "NAME", description = "The lane to write in.")
    String lane;

    @Option(
        names = "--type",
        paramLabel = "TYPE",
        defaultValue = "message",
        description = "message (default), summary or event.")
    String type;

    @Option(
        names = "--role",
        paramLabel = "ROLE",
        description = "For messages: system, user, assistant or tool.")
    String role;

    @Option(
        names = "--content",
        paramLabel = "TEXT",
        description = "The message text, or the summary text; '-' reads standard input.")
    String content;

    @Option(
        names = "--tool-calls",
        paramLabel = "JSON",
        description = "For assistant messages: a JSON array of {id, name, arguments}.")
    String toolCalls;

    @Option(
        names = "--tool-call-id",
        paramLabel = "ID",
        description = "For tool messages: the call this answers.")
    String toolCallId;

    @Option(names = "--error", description = "For tool messages: the tool failed.")
    boolean isError;

    @Option(
        names = "--model",
        paramLabel = "NAME",
        description = "For assistant messages: the model that wrote it.")
    String model;

    @Option(
        names = "--checkpoint",
        paramLabel = "COMMIT",
        description = "A git commit holding the files at this entry.")
    String checkpoint;

    @Option(
        names = "--kind",
        paramLabel = "KIND",
        description = "For summaries: branch or compaction; for events: the event's kind.")
    String kind;

    @Option(
        names = "--from",
        paramLabel = "ID",
        description = "For summaries: the first entry covered.")
    String from;

    @Option(
        names = "--to",
        paramLabel = "ID",
        description = "For summaries: the last entry covered.")
    String to;

    @Option(names = "--data", paramLabel = "JSON", description = "For events: a JSON object.")
    String data;

    @Option(
        names = "--context-root",
        description = "Context building for entries below starts here.")
    boolean contextRoot;

    @Mixin JsonFlag json;

    Append(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
      if (parent == null && lane == null) {
        throw Exits.usage("give --parent ID or --lane NAME (or both) to say where the entry goes");
      }
      try (SessionStore store = openForWriting(ctx, file)) {
        Body body = body(store);
        Parent where = parent != null ? Parent.of(store.resolve(parent)) : Parent.laneHead();
        Entry e = store.append(new Draft(where, lane, body, contextRoot));
        if (json.json) {
          Json.print(ctx.out(), Json.entry(e));
        } else {
          ctx.out().println(e.id());
        }
      }
      return Exits.OK;
    }

    private Body body(SessionStore store) throws IOException {
      String text =
          "-".equals(content)
              ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
              : content;
      return switch (type) {
        case "message" -> {
          if (role == null) {
            throw Exits.usage("a message needs --role (system, user, assistant or tool)");
          }
          yield new Body.Message(
              Role.parse(role),
              text,
              parseToolCalls(),
              toolCallId,
              isError,
              model,
              null,
              checkpoint);
        }
        case "summary" -> {
          if (kind == null || from == null || to == null || text == null) {
            throw Exits.usage(
                "a summary needs --kind (branch or compaction), --from ID, --to ID and --content TEXT");
          }
          yield new Body.Summary(
              Body.SummaryKind.parse(kind), store.resolve(from), store.resolve(to), text);
        }
        case "event" -> {
          if (kind == null) {
            throw Exits.usage("an event needs --kind");
          }
          yield new Body.Event(kind, data == null ? null : parseJson(data, "--data"));
        }
        case "label", "head" ->
            throw Exits.usage("use 'grove session " + type + "' to write a " + type + " entry");
        default ->
            throw Exits.usage("--type must be message, summary or event, not '" + type + "'");
      };
    }

    private List<ToolCall> parseToolCalls() {
      if (toolCalls == null) {
        return List.of();
      }
      JsonNode arr = parseJson(toolCalls, "--tool-calls");
      if (!arr.isArray()) {
        throw Exits.usage(
            "--tool-calls must be a JSON array of {\"id\", \"name\", \"arguments\"} objects");
      }
      List<ToolCall> out = new ArrayList<>();
      int n = 0;
      for (JsonNode c : arr) {
        n++;
        if (!c.isObject() || !c.path("name").isTextual()) {
          throw Exits.usage("--tool-calls item " + n + " needs a \"name\"");
        }
        JsonNode args = c.get("arguments");
        out.add(
            new ToolCall(
                c.path("id").asText("call_" + n),
                c.get("name").asText(),
                args == null ? "{}" : args.isTextual() ? args.asText() : args.toString()));
      }
      return out;
    }
  }

  static JsonNode parseJson(String text, String option) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw Exits.usage(
          option + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  @Command(
      name = "tree",
      description = {
        "Draw the session tree: branch points, lane heads (◀), labels (#), and the active path (●).",
        "Long linear runs are folded unless --all. --json gives every node with its children."
      })
  static final class Tree implements Callable<Integer> {
    private final Context ctx;

    @Parameters(paramLabel = "FILE", description = FILE_TO_READ)
    Path file;

    @Option(
        names = "--lane",
        paramLabel = "NAME",
        description = "Mark this lane's path as active (default: the lane written last).")
    String lane;

    @Option(names = "--all", description = "Show every entry; fold nothing.")
    boolean all;

    @Mixin JsonFlag json;

    Tree(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
      try (SessionStore store = open(ctx, file)) {
        if (lane != null && store.laneHead(lane).isEmpty()) {
          throw Exits.notFound(
              "no lane '"
                  + lane
                  + "' in "
                  + store.shown()
                  + " (lanes: "
                  + String.join(", ", store.laneHeads().keySet())
                  + ")");
        }
        if (json.json) {
          writeJson(store);
        } else {
          TreeDrawing.draw(
              store, new TreeDrawing.Options(lane, all, ctx.unicode(), 100), ctx.out()::println);
        }
      }
      ctx.out().flush();
      return Exits.OK;
    }

    private void writeJson(SessionStore store) throws IOException {
      JsonGenerator g = Json.MAPPER.getFactory().createGenerator(ctx.out());
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("session", store.header().id());
      g.writeStringField("file", store.shown().toString());
      g.writeObjectField("laneHeads", store.laneHeads());
      g.writeObjectField("labels", store.labels());
      g.writeArrayFieldStart("nodes");
      store.forEachNode(
          n -> {
            try {
              ObjectNode o = Json.node(n);
              ArrayNode kids = o.putArray("children");
              if (n.children() > 0) {
                store.children(n.id()).forEach(c -> kids.add(c.id()));
              }
              Json.MAPPER.writeTree(g, o);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
      g.writeEndArray();
      g.writeEndObject();
      g.flush();
      ctx.out().println();
    }
  }

  /** {@code session context}: one of --entry or --lane. */
  static final class Target {
    @Option(
        names = "--entry",
        paramLabel = "ID",
        required = true,
        description = "An entry id, unique prefix or label.")
    String entry;

    @Option(
        names = "--lane",
        paramLabel = "NAME",
        required = true,
        description = "A lane: its head's context.")
    String lane;
  }

  @Command(
      name = "context",
      description = {
        "Print the messages on the path to an entry, as a model would be sent them (summaries applied).",
        "Messages are read and printed a chunk at a time (--json too), so a context of any length "
            + "takes little memory; a line found damaged part-way ends the output there (exit code 4)."
      })
  static final class Context_ implements Callable<Integer> {
    private final Context ctx;

    @Parameters(paramLabel = "FILE", description = FILE_TO_READ)
    Path file;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Mixin JsonFlag json;

    Context_(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      try (SessionStore store = open(ctx, file)) {
        List<Entry> messages;
        if (target.lane != null) {
          if (store.laneHead(target.lane).isEmpty()) {
            throw Exits.notFound("no lane '" + target.lane + "' in " + store.shown());
          }
          messages = store.contextOfLane(target.lane);
        } else {
          messages = store.context(store.resolve(target.entry));
        }
        if (json.json) {
          // streamed: the messages are read from the file as they are written out, one entry at a
          // time handed to the output (redacted as one piece), which writes when its buffer fills
          JsonStream w = new JsonStream(ctx.out());
          try {
            w.startArray();
            for (Entry m : messages) {
              w.entry(m).flush();
            }
            w.endArray().end();
          } finally {
            ctx.out().flush(); // a damaged line ends the output after the last whole entry
          }
        } else {
          for (Entry e : messages) {
            printMessage(ctx, e);
          }
        }
      }
      return Exits.OK;
    }
  }

  static void printMessage(Context ctx, Entry e) {
    Body.Message m = (Body.Message) e.body();
    StringBuilder head =
        new StringBuilder("── ").append(m.role().wireName()).append(" · ").append(e.id());
    if (m.toolCallId() != null) {
      head.append(" · answers ").append(m.toolCallId());
    }
    if (m.isError()) {
      head.append(" · error");
    }
    if (m.checkpoint() != null) {
      head.append(" · checkpoint ")
          .append(m.checkpoint(), 0, Math.min(12, m.checkpoint().length()));
    }
    ctx.out()
        .println(
            ctx.unicode() ? head : head.toString().replace("── ", "-- ").replace(" · ", " | "));
    if (m.content() != null && !m.content().isEmpty()) {
      ctx.out().println(m.content());
    }
    for (ToolCall c : m.toolCalls()) {
      ctx.out()
          .println(
              (ctx.unicode() ? "→ " : "-> ")
                  + c.name()
                  + " "
                  + c.arguments()
                  + "  ("
                  + c.id()
                  + ")");
    }
    ctx.out().println();
  }

  @Command(name = "show", description = "Print one entry in full.")
  static final class Show implements Callable<Integer> {
    private final Context ctx;

    @Parameters(index = "0", paramLabel = "FILE", description = FILE_TO_READ)
    Path file;

    @Parameters(
        index = "1",
        paramLabel = "ID",
        description = "An entry id, unique prefix or label.")
    String id;

    Show(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      try (SessionStore store = open(ctx, file)) {
        new JsonStream(ctx.out()).entry(store.entry(store.resolve(id))).end();
      }
      return Exits.OK;
    }
  }

  @Command(
      name = "leaves",
      description = "List the entries with no children: the ends of every branch.")
  static final class Leaves implements Callable<Integer> {
    private final Context ctx;

    @Parameters(paramLabel = "FILE", description = FILE_TO_READ)
    Path file;

    @Mixin JsonFlag json;

    Leaves(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      try (SessionStore store = open(ctx, file)) {
        List<Node> leaves = store.leaves();
        Map<String, String> labels = store.labels();
        if (json.json) {
          ArrayNode arr = Json.array();
          leaves.forEach(n -> arr.add(Json.node(n).put("label", labels.get(n.id()))));
          Json.print(ctx.out(), arr);
        } else {
          for (Node n : leaves) {
            String label = labels.get(n.id());
            ctx.out()
                .println(
                    n.id()
                        + "  "
                        + n.lane()
                        + "  "
                        + (n.role() != null ? n.role().wireName() : n.type())
                        + "  line "
                        + n.line()
                        + (label == null ? "" : "  #" + label));
          }
        }
      }
      return Exits.OK;
    }
  }

  @Command(name = "label", description = "Label an entry (an empty TEXT clears its label).")
  static final class Label implements Callable<Integer> {
    private final Context ctx;

    @Parameters(index = "0", paramLabel = "FILE", description = FILE_TO_WRITE)
    Path file;

    @Parameters(
        index = "1",
        paramLabel = "ID",
        description = "An entry id, unique prefix or label.")
    String id;

    @Parameters(
        index = "2",
        paramLabel = "TEXT",
        description = "The label; empty (\"\") clears it.")
    String text;

    @Mixin JsonFlag json;

    Label(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      try (SessionStore store = openForWriting(ctx, file)) {
        Entry e = store.append(Draft.label(store.resolve(id), text));
        if (json.json) {
          Json.print(ctx.out(), Json.entry(e));
        } else {
          ctx.out().println(e.id());
        }
      }
      return Exits.OK;
    }
  }

  @Command(
      name = "head",
      description = "Move a lane's head to an entry, durably, without appending a message.")
  static final class Head implements Callable<Integer> {
    private final Context ctx;

    @Parameters(index = "0", paramLabel = "FILE", description = FILE_TO_WRITE)
    Path file;

    @Option(
        names = "--lane",
        paramLabel = "NAME",
        required = true,
        description = "The lane whose head moves.")
    String lane;

    @Parameters(
        index = "1",
        paramLabel = "ID",
        description = "An entry id, unique prefix or label.")
    String id;

    @Mixin JsonFlag json;

    Head(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      try (SessionStore store = openForWriting(ctx, file)) {
        Entry e = store.append(Draft.moveHead(lane, store.resolve(id)));
        if (json.json) {
          Json.print(ctx.out(), Json.entry(e));
        } else {
          ctx.out().println(e.id());
        }
      }
      return Exits.OK;
    }
  }

  @Command(
      name = "fork",
      description =
          "Copy the path from the root to an entry into a new session file that records its lineage.")
  static final class Fork implements Callable<Integer> {
    private final Context ctx;

    @Parameters(paramLabel = "FILE", description = FILE_TO_READ)
    Path file;

    @Option(
        names = "--entry",
        paramLabel = "ID",
        required = true,
        description = "The last entry to copy (id, prefix or label).")
    String entry;

    @Option(
        names = "--out",
        paramLabel = "NEWFILE",
        required = true,
        description = "The new session file (must not exist).")
    Path out;

    @Mixin JsonFlag json;

    Fork(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      // another tool's session through its converted copy, whose lines are copied byte for byte
      // (the fields grove has no place for, kept under "pi" and the like, come along)
      try (SessionStore store = openConverted(ctx, file)) {
        String id = store.resolve(entry);
        SessionHeader h = store.fork(id, ctx.path(out));
        if (json.json) {
          ObjectNode o = Json.object();
          o.put("id", h.id());
          o.put("file", ctx.path(out).toString());
          o.put("forkedFromSession", store.header().id());
          o.put("forkedFromEntry", id);
          o.put("entries", store.path(id).size());
          Json.print(ctx.out(), o);
        } else {
          ctx.out().println(h.id());
        }
      }
      return Exits.OK;
    }
  }

  @Command(
      name = "validate",
      description = {
        "Check every line of a session file and report every problem with its line number. "
            + "Exit code 0 when the file is valid, 4 when it is not; an incomplete last line left by a crash is a warning."
      })
  static final class Validate implements Callable<Integer> {
    private final Context ctx;

    @Parameters(paramLabel = "FILE", description = FILE_TO_READ)
    Path file;

    @Mixin JsonFlag json;

    Validate(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      ValidationReport r = ForeignSessions.validate(resolve(ctx, file));
      if (json.json) {
        ObjectNode o = Json.object();
        o.put("file", r.file().toString());
        o.put("valid", r.valid());
        o.put("session", r.header() == null ? null : r.header().id());
        o.put("entries", r.entries());
        o.put("lanes", r.lanes());
        ArrayNode ps = o.putArray("problems");
        for (Problem p : r.problems()) {
          ps.addObject().put("line", p.line()).put("message", p.message());
        }
        ArrayNode ws = o.putArray("warnings");
        r.warnings().forEach(ws::add);
        Json.print(ctx.out(), o);
      } else {
        r.warnings().forEach(ctx::warn);
        if (r.valid()) {
          ctx.out()
              .println(r.file() + ": valid (" + r.entries() + " entries, " + r.lanes() + " lanes)");
        } else {
          ctx.out()
              .println(
                  r.file()
                      + ": "
                      + r.problems().size()
                      + (r.problems().size() == 1 ? " problem" : " problems"));
          for (Problem p : r.problems()) {
            ctx.out().println("  " + p);
          }
        }
      }
      return r.valid() ? Exits.OK : Exits.CORRUPT;
    }
  }

  @Command(
      name = "import",
      description = {
        "Make a grove session of another tool's session file (pi, Claude Code, Codex CLI), keeping ids, tree shape, "
            + "messages, tool calls and results, usage and labels; the source is recorded in the "
            + "header and never written."
      })
  static final class Import implements Callable<Integer> {
    private final Context ctx;

    @Parameters(paramLabel = "FILE", description = "The other tool's session file.")
    Path file;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "GROVE_FILE",
        description = "The grove session file to write (it must not exist).")
    Path out;

    @Mixin JsonFlag json;

    Import(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      ForeignSessions.Imported r = ForeignSessions.importFile(ctx.path(file), ctx.path(out));
      if (json.json) {
        ObjectNode o = Json.object();
        o.put("file", r.file().toString());
        o.put("tool", r.format().tool());
        o.put("entries", r.entries());
        Json.print(ctx.out(), o);
      } else {
        ctx.out()
            .println(
                r.file()
                    + ": "
                    + r.entries()
                    + " entries imported from a "
                    + r.format().tool()
                    + " session");
      }
      return Exits.OK;
    }
  }
}
