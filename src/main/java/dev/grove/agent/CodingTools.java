package dev.grove.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.model.ToolSpec;
import dev.grove.sandbox.CommandRequest;
import dev.grove.sandbox.CommandResult;
import dev.grove.sandbox.Sandbox;
import dev.grove.sandbox.SandboxException;
import dev.grove.session.ToolCall;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The coding agent's tools: read_file, write_file, edit_file, list_files, grep, run_command and
 * finish. File tools are confined to the worktree by a {@link Workspace}; commands run in the
 * {@link Sandbox}. Every failure becomes a {@link ToolResult.Error} for the model; nothing here
 * throws.
 */
public final class CodingTools implements ToolSet {
  static final int MAX_COMMAND_OUTPUT = 30_000;
  static final Duration MAX_COMMAND_TIMEOUT = Duration.ofMinutes(30);

  /** How commands run: their default timeout, and whether they may use the network. */
  public record Options(
      Duration commandTimeout, boolean network, Map<String, String> commandEnvironment) {
    public Options {
      if (commandTimeout == null || commandTimeout.isNegative() || commandTimeout.isZero()) {
        throw new IllegalArgumentException("the command timeout must be positive");
      }
      commandEnvironment = commandEnvironment == null ? Map.of() : Map.copyOf(commandEnvironment);
    }

    public static Options defaults() {
      return new Options(Duration.ofMinutes(5), false, Map.of());
    }
  }

  private final Workspace ws;
  private final Sandbox sandbox;
  private final Options options;
  private final FileTools files;
  private final SearchTools search;

  /**
   * @param listing the worktree's files as git sees them (tracked and untracked, not ignored),
   *     relative, with {@code /} separators
   */
  public CodingTools(
      Workspace ws, Sandbox sandbox, Supplier<List<String>> listing, Clock clock, Options options) {
    this.ws = ws;
    this.sandbox = sandbox;
    this.options = options;
    this.files = new FileTools(ws);
    this.search = new SearchTools(ws, listing, clock, SearchTools.GREP_BUDGET);
  }

  @Override
  public List<ToolSpec> specs() {
    return SPECS;
  }

  @Override
  public boolean mayHaveChangedFiles(ToolCall call, ToolResult result) {
    return Tool.named(call.name())
        .map(t -> t == Tool.RUN_COMMAND || t.changesFiles && result instanceof ToolResult.Ok)
        .orElse(false);
  }

  @Override
  public ToolResult call(ToolCall call) {
    try {
      java.util.Optional<Tool> tool = Tool.named(call.name());
      if (tool.isEmpty()) {
        return new ToolResult.Error(
            "there is no tool named '"
                + call.name()
                + "'; the tools are "
                + SPECS.stream().map(ToolSpec::name).collect(Collectors.joining(", ")));
      }
      JsonNode args = ToolSet.arguments(call);
      return switch (tool.get()) {
        case READ_FILE -> files.read(args);
        case WRITE_FILE -> files.write(args);
        case EDIT_FILE -> files.edit(args);
        case LIST_FILES -> search.list(args);
        case GREP -> search.grep(args);
        case RUN_COMMAND -> runCommand(args);
        case FINISH -> new ToolResult.Finish(Args.string(args, "summary"), "finished");
      };
    } catch (Workspace.Refused | Args.BadArguments e) {
      return new ToolResult.Error(e.getMessage());
    } catch (UncheckedIOException e) {
      return new ToolResult.Error(call.name() + " failed: " + e.getMessage());
    } catch (RuntimeException e) {
      return new ToolResult.Error(call.name() + " failed unexpectedly: " + e);
    }
  }

  private ToolResult runCommand(JsonNode args) {
    String command = Args.string(args, "command");
    int seconds =
        Args.optionalInt(args, "timeout_seconds", (int) options.commandTimeout().toSeconds());
    if (seconds <= 0) {
      throw new Args.BadArguments("timeout_seconds must be positive");
    }
    Duration timeout = Duration.ofSeconds(seconds);
    if (timeout.compareTo(MAX_COMMAND_TIMEOUT) > 0) {
      timeout = MAX_COMMAND_TIMEOUT;
    }
    CommandResult r;
    try {
      r =
          sandbox.run(
              new CommandRequest(
                  ws.root(),
                  Path.of(""),
                  List.of("/bin/sh", "-c", command),
                  timeout,
                  options.network(),
                  options.commandEnvironment()));
    } catch (SandboxException e) {
      return new ToolResult.Error("the command could not be run: " + e.getMessage());
    }
    StringBuilder out = new StringBuilder("$ ").append(command).append('\n');
    if (r.timedOut()) {
      out.append("timed out after ")
          .append(timeout.toSeconds())
          .append(" s; the command and everything it started were killed\n");
    } else {
      out.append("exit code ").append(r.exitCode());
    }
    out.append(String.format(Locale.ROOT, " (%.1f s)%n", r.duration().toMillis() / 1000.0));
    for (CommandResult.Limit l : r.limitsReached()) {
      out.append("hit the sandbox's ").append(l.name().toLowerCase(Locale.ROOT)).append(" limit\n");
    }
    String stdout = r.stdout().text();
    String stderr = r.stderr().text();
    if (!stdout.isEmpty()) {
      out.append(stdout).append(stdout.endsWith("\n") ? "" : "\n");
    }
    if (!stderr.isEmpty()) {
      out.append("[stderr]\n").append(stderr).append(stderr.endsWith("\n") ? "" : "\n");
    }
    String text = Text.cap(out.toString(), MAX_COMMAND_OUTPUT);
    return r.succeeded() ? new ToolResult.Ok(text) : new ToolResult.Error(text);
  }

  /** The coding agent's tools: the closed set the model is offered, each with its definition. */
  enum Tool {
    READ_FILE(
        "read_file",
        "Read a text file of the worktree. Large files are cut; read parts of them with start_line/end_line "
            + "(within the first 64 MiB; beyond that use run_command).",
        schema(
            "{\"path\":{\"type\":\"string\",\"description\":\"relative to the worktree root\"},"
                + "\"start_line\":{\"type\":\"integer\",\"minimum\":1},\"end_line\":{\"type\":\"integer\",\"minimum\":1}}",
            "path"),
        false),
    WRITE_FILE(
        "write_file",
        "Create or overwrite a file with the given content (directories are created; "
            + "symbolic links are not written through: use the real path).",
        schema(
            "{\"path\":{\"type\":\"string\"},\"content\":{\"type\":\"string\"}}",
            "path",
            "content"),
        true),
    EDIT_FILE(
        "edit_file",
        "Replace text in a file. 'old' must match exactly one place (whitespace included) unless replace_all is true.",
        schema(
            "{\"path\":{\"type\":\"string\"},\"old\":{\"type\":\"string\"},\"new\":{\"type\":\"string\"},"
                + "\"replace_all\":{\"type\":\"boolean\"}}",
            "path",
            "old",
            "new"),
        true),
    LIST_FILES(
        "list_files",
        "List the worktree's files (those git does not ignore), optionally matching a glob such as '**/*.java'.",
        schema(
            "{\"pattern\":{\"type\":\"string\",\"description\":\"a glob, default **\"},"
                + "\"path\":{\"type\":\"string\",\"description\":\"a directory to list under\"}}"),
        false),
    GREP(
        "grep",
        "Search the worktree's files for a regular expression (Java syntax); prints path:line: text.",
        schema(
            "{\"pattern\":{\"type\":\"string\"},\"path\":{\"type\":\"string\"},\"glob\":{\"type\":\"string\"},"
                + "\"ignore_case\":{\"type\":\"boolean\"}}",
            "pattern"),
        false),
    RUN_COMMAND(
        "run_command",
        "Run a shell command in the worktree, in a sandbox (no network unless the task allows it). "
            + "Use it to build and run the tests.",
        schema(
            "{\"command\":{\"type\":\"string\",\"description\":\"run with /bin/sh -c\"},"
                + "\"timeout_seconds\":{\"type\":\"integer\",\"minimum\":1}}",
            "command"),
        true),
    FINISH(
        "finish",
        "Call when the task is done and verified: summarize what you changed and how you checked it.",
        schema("{\"summary\":{\"type\":\"string\"}}", "summary"),
        false);

    final ToolSpec spec;

    /**
     * Whether a successful call may change the worktree's files (a command may, whatever its exit
     * code).
     */
    final boolean changesFiles;

    Tool(String name, String description, String schema, boolean changesFiles) {
      this.spec = new ToolSpec(name, description, schema);
      this.changesFiles = changesFiles;
    }

    /** The tool of this name, if there is one. */
    static java.util.Optional<Tool> named(String name) {
      for (Tool t : values()) {
        if (t.spec.name().equals(name)) {
          return java.util.Optional.of(t);
        }
      }
      return java.util.Optional.empty();
    }
  }

  private static final List<ToolSpec> SPECS =
      java.util.Arrays.stream(Tool.values()).map(t -> t.spec).toList();

  private static String schema(String properties, String... required) {
    String req =
        required.length == 0
            ? ""
            : ",\"required\":["
                + java.util.Arrays.stream(required)
                    .map(r -> "\"" + r + "\"")
                    .collect(Collectors.joining(","))
                + "]";
    return "{\"type\":\"object\",\"properties\":"
        + properties
        + req
        + ",\"additionalProperties\":false}";
  }
}
