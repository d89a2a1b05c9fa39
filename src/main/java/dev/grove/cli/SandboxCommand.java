package dev.grove.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.sandbox.Backend;
import dev.grove.sandbox.CappedText;
import dev.grove.sandbox.CommandRequest;
import dev.grove.sandbox.CommandResult;
import dev.grove.sandbox.Sandbox;
import dev.grove.sandbox.SandboxPolicy;
import dev.grove.sandbox.Sandboxes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "sandbox",
    description = "Run commands the way agents' commands run: confined to one directory.",
    subcommands = {SandboxCommand.Run.class})
final class SandboxCommand implements Runnable {
  /**
   * What `sandbox run` exits with when the command was killed at its timeout (as timeout(1) does).
   */
  static final int TIMED_OUT = 124;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * The policy grove uses for a directory: a private home, GROVE_HOME hidden, tightened by the
   * project's settings (<repo>/.grove/sandbox.properties); what they ask for and may not have is
   * printed as a warning.
   */
  static SandboxPolicy policy(Context ctx, Path dir) {
    return SandboxPolicy.forDirectory(
        dir, ctx.userHome(), ctx.groveHome(), ctx.env().get("HOME"), ctx::warn);
  }

  @Command(
      name = "run",
      modelTransformer = Run.StopAtCommand.class,
      description = {
        "Run CMD with its arguments in a sandbox confined to DIR, print its output and exit with "
            + "its exit code.%n",
        "Inside: DIR read-write; the rest of the host read-only, except your home directory (an empty private "
            + "one takes its place), /tmp (private), /run, GROVE_HOME, the repository's main checkout and its other "
            + "worktrees (hidden); "
            + "the git metadata read-only, so git status and git diff work; no network unless --network; only "
            + "allowlisted environment variables (PATH, LANG, LC_*, TERM, TZ, USER, LOGNAME, JAVA_HOME); "
            + "uid 65534 inside, /proc/sys read-only, a seccomp filter; "
            + "processes, memory and output capped. `grove doctor` shows which protections and limits apply here."
      },
      footer = {
        "",
        "Exit: the command's own code; 124 if it was killed at its timeout; 5 if the sandbox cannot run "
            + "here (the message says how to fix it).",
        "Project settings (read-only mounts such as ~/.m2, hidden paths, lower limits): "
            + "<repo>/.grove/sandbox.properties; they can only tighten the sandbox, and what is ignored is warned about."
      })
  static final class Run implements Callable<Integer> {
    private final Context ctx;

    @Option(
        names = "--dir",
        required = true,
        paramLabel = "DIR",
        description = "The directory the command runs in and may write (an agent's worktree).")
    Path dir;

    @Option(
        names = "--network",
        description = "Let the command use the network (default: no network at all).")
    boolean network;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        defaultValue = "60s",
        converter = DurationConverter.class,
        description =
            "Kill the command and everything it started after this long: 500ms, 30s, 10m, 1h "
                + "(default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
        names = "--sandbox",
        paramLabel = "BACKEND",
        defaultValue = "bubblewrap",
        description =
            "bubblewrap (default), or none: no confinement at all, with a warning every run.")
    Backend backend;

    @Option(
        names = "--read-only",
        paramLabel = "PATH",
        description =
            "Also let the command read PATH, e.g. ~/.m2 for offline Maven builds (repeatable).")
    List<Path> readOnly = new ArrayList<>();

    @Option(
        names = "--env",
        paramLabel = "NAME=VALUE",
        description = "Set a variable for the command (repeatable).")
    Map<String, String> env = Map.of();

    @Option(
        names = "--max-output",
        paramLabel = "SIZE",
        description =
            "Bytes kept of each of stdout and stderr, "
                + "half from the start and half from the end (default: 256k).")
    String maxOutput;

    @Option(
        names = "--max-processes",
        paramLabel = "N",
        description = "Processes and threads (default: 1024).")
    Integer maxProcesses;

    @Option(names = "--max-memory", paramLabel = "SIZE", description = "Memory (default: 4g).")
    String maxMemory;

    @Mixin JsonFlag json;

    @Parameters(
        paramLabel = "CMD",
        arity = "1..*",
        description = "The command and its arguments (put -- before it).")
    List<String> command;

    Run(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Path where = ctx.path(dir);
      SandboxPolicy policy = policy(ctx, where);
      SandboxPolicy.Limits limits = policy.limits();
      if (maxOutput != null) {
        long bytes = SandboxPolicy.Limits.parseSize(maxOutput);
        if (bytes > Integer.MAX_VALUE) {
          throw Exits.usage("--max-output must be under 2g, got " + maxOutput);
        }
        limits = limits.withMaxOutputBytes((int) bytes);
      }
      if (maxProcesses != null) {
        limits = limits.withMaxProcesses(maxProcesses);
      }
      if (maxMemory != null) {
        limits = limits.withMaxMemoryBytes(SandboxPolicy.Limits.parseSize(maxMemory));
      }
      policy =
          policy.withLimits(limits).withReadOnly(readOnly.stream().map(this::expandHome).toList());
      Sandbox sandbox = Sandboxes.create(backend, policy, ctx.env());
      sandbox.warning().ifPresent(ctx::warn);
      CommandResult r =
          sandbox.run(new CommandRequest(where, Path.of(""), command, timeout, network, env));
      if (json.json) {
        ObjectNode o = Json.object();
        o.put("backend", sandbox.backend().wireName());
        o.put("exitCode", r.exitCode());
        o.put("timedOut", r.timedOut());
        o.put("seconds", r.duration().toMillis() / 1000.0);
        ArrayNode reached = o.putArray("limitsReached");
        r.limitsReached().forEach(l -> reached.add(l.name().toLowerCase(Locale.ROOT)));
        o.set("stdout", capped(r.stdout()));
        o.set("stderr", capped(r.stderr()));
        Json.print(ctx.out(), o);
      } else {
        ctx.out().print(r.stdout().text());
        ctx.out().flush();
        ctx.err().print(r.stderr().text());
        ctx.err().flush();
        for (CommandResult.Limit l : r.limitsReached()) {
          ctx.warn(
              switch (l) {
                case PROCESSES ->
                    "the command reached the process limit ("
                        + policy.limits().maxProcesses()
                        + "); some of its forks failed";
                case MEMORY ->
                    "the command reached the memory limit ("
                        + policy.limits().maxMemoryBytes()
                        + " bytes); the kernel killed a process of it";
              });
        }
        if (r.timedOut()) {
          ctx.warn(
              "timed out after "
                  + format(timeout)
                  + ": the command and everything it started were killed");
        }
      }
      return r.timedOut() ? TIMED_OUT : r.exitCode();
    }

    private Path expandHome(Path p) {
      String s = p.toString();
      Path home = ctx.userHome();
      return s.equals("~") ? home : s.startsWith("~/") ? home.resolve(s.substring(2)) : ctx.path(p);
    }

    private static ObjectNode capped(CappedText t) {
      ObjectNode o = Json.object();
      o.put("head", t.head());
      o.put("cutBytes", t.cutBytes());
      o.put("tail", t.tail());
      return o;
    }

    /** Options end at the command: `sandbox run --dir . ls -la` runs `ls -la`. */
    static final class StopAtCommand implements CommandLine.IModelTransformer {
      @Override
      public CommandSpec transform(CommandSpec spec) {
        spec.parser().stopAtPositional(true);
        return spec;
      }
    }
  }

  static String format(Duration d) {
    return d.toMillis() % 1000 != 0 ? d.toMillis() + "ms" : d.toSeconds() + "s";
  }

  /** 500ms, 30s, 10m, 1h; a bare number is seconds. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
      Matcher m = FORMAT.matcher(value.strip().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new CommandLine.TypeConversionException(
            "not a duration: '" + value + "' (examples: 500ms, 30s, 10m, 1h)");
      }
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      return switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofSeconds(n);
      };
    }
  }
}
