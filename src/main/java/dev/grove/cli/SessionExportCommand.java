package dev.grove.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.secrets.Secrets;
import dev.grove.session.SessionStore;
import dev.grove.session.export.SessionExport;
import dev.grove.text.AgentText;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code grove session export}: a session as one HTML page, or one path of it as Markdown. */
@Command(
    name = "export",
    description = {
      "Write a session out for people without grove: --html, one self-contained page of the whole "
          + "tree (every branch, lane and label; messages, thinking, tool calls and results, "
          + "usage) that opens from a file in any browser and runs no script but its own; or "
          + "--markdown, the messages on one path (as a model is sent them), readable in a pull "
          + "request.%n",
      "The path, and the entry the page marks, is ENTRY, --leaf or --lane's head (default: the "
          + "head of the lane written last). Secrets of the environment are masked. An existing "
          + "file is never replaced unless --force. Reads grove, pi, Claude Code and Codex files."
    })
final class SessionExportCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "A session file (grove, pi, Claude Code, Codex), or a run id.")
  Path file;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "ENTRY",
      description = "The entry whose path is exported (id, unique prefix or label).")
  String entry;

  /** Exactly one of the two formats. */
  static final class Kind {
    @Option(
        names = "--html",
        paramLabel = "OUT.html",
        required = true,
        description = "Write the whole tree as one HTML file.")
    Path html;

    @Option(
        names = "--markdown",
        required = true,
        description = "Write one path as Markdown (to standard output, or --out).")
    boolean markdown;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Kind kind;

  @Option(
      names = "--out",
      paramLabel = "OUT.md",
      description = "With --markdown: write to this file instead of standard output.")
  Path out;

  @Option(names = "--lane", paramLabel = "NAME", description = "Export up to this lane's head.")
  String lane;

  @Option(names = "--leaf", paramLabel = "ID", description = "Export up to this leaf.")
  String leaf;

  @Option(names = "--force", description = "Replace the output file if it exists.")
  boolean force;

  @Mixin JsonFlag json;

  SessionExportCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException {
    int chosen = (entry != null ? 1 : 0) + (lane != null ? 1 : 0) + (leaf != null ? 1 : 0);
    if (chosen > 1) {
      throw Exits.usage("give at most one of ENTRY, --leaf ID and --lane NAME");
    }
    if (kind.html != null && out != null) {
      throw Exits.usage("--out goes with --markdown; --html names its own file");
    }
    Path dest = kind.html != null ? ctx.path(kind.html) : out == null ? null : ctx.path(out);
    if (dest == null && json.json) {
      throw Exits.usage(
          "--json needs --out FILE: without it the Markdown itself goes to standard output");
    }
    if (dest != null) {
      refuseToReplace(dest);
    }
    Path source = SessionCommand.resolve(ctx, file);
    String tool = dev.grove.session.foreign.ForeignSessions.detect(source).tool();
    try (SessionStore store = SessionCommand.open(ctx, file)) {
      String target = target(store);
      SessionExport.Options options =
          SessionExport.Options.of(
                  tool,
                  source.getFileName().toString(),
                  Version.lines().get(0),
                  ctx.clock().instant())
              .withRedact(redaction(kind.html == null));
      String format = kind.html != null ? "html" : "markdown";
      if (dest == null) {
        SessionExport.markdown(store, target, ctx.out(), options);
        ctx.out().flush();
        return Exits.OK;
      }
      int entries = write(dest, w -> export(store, target, w, options));
      long bytes = Files.size(dest);
      if (json.json) {
        ObjectNode o = Json.object();
        o.put("file", dest.toString());
        o.put("format", format);
        o.put("entries", entries);
        o.put("bytes", bytes);
        Json.print(ctx.out(), o);
      } else {
        ctx.out()
            .println(
                dest
                    + ": "
                    + entries
                    + (kind.html != null ? " entries" : " messages")
                    + " as "
                    + (kind.html != null ? "HTML" : "Markdown")
                    + " ("
                    + bytes
                    + " bytes)");
      }
    }
    return Exits.OK;
  }

  private int export(SessionStore store, String target, Writer w, SessionExport.Options options)
      throws IOException {
    return kind.html != null
        ? SessionExport.html(store, target, w, options)
        : SessionExport.markdown(store, target, w, options);
  }

  /** The entry the export is about: ENTRY, --leaf, --lane's head, else the current leaf. */
  private String target(SessionStore store) {
    if (lane != null) {
      return store
          .laneHead(lane)
          .orElseThrow(
              () ->
                  Exits.notFound(
                      "no lane '"
                          + lane
                          + "' in "
                          + store.file()
                          + " (lanes: "
                          + String.join(", ", store.laneHeads().keySet())
                          + ")"));
    }
    if (leaf != null) {
      String id = store.resolve(leaf);
      int children = store.node(id).children();
      if (children > 0) {
        throw Exits.usage(
            "entry "
                + id
                + " is not a leaf (it has "
                + children
                + (children == 1 ? " child" : " children")
                + "); give it as ENTRY to export the path up to it");
      }
      return id;
    }
    return entry != null ? store.resolve(entry) : SessionExport.currentLeaf(store);
  }

  private void refuseToReplace(Path dest) {
    if (Files.isDirectory(dest)) {
      throw Exits.usage(dest + " is a directory; name the file to write");
    }
    if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS) && !force) {
      throw new Exits.UserError(
          Exits.FAILED,
          dest + " exists: export never replaces a file unless --force; choose another name");
    }
  }

  private interface Body {
    int write(Writer w) throws IOException;
  }

  /**
   * Writes into a temporary file beside {@code dest} and moves it into place when complete, so a
   * failed export leaves nothing and a reader never sees half a file.
   */
  private int write(Path dest, Body body) throws IOException {
    Path tmp =
        dest.resolveSibling(
            "."
                + dest.getFileName()
                + ".export-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      int n;
      try (Writer w =
          new BufferedWriter(
              new OutputStreamWriter(
                  Files.newOutputStream(
                      tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                  StandardCharsets.UTF_8),
              1 << 16)) {
        n = body.write(w);
      }
      if (force) {
        Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.move(tmp, dest); // fails if dest appeared meanwhile, rather than replace it
      }
      return n;
    } catch (FileAlreadyExistsException e) {
      throw new Exits.UserError(
          Exits.FAILED,
          dest + " appeared while exporting; export never replaces a file unless --force");
    } catch (NoSuchFileException e) {
      throw Exits.notFound("cannot write " + dest + ": its directory does not exist");
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * What every text of the session goes through: the environment's secrets masked; for Markdown,
   * which is made to be pasted into a pull request, also made inert there (mentions, issue
   * references and closing keywords do nothing), as grove's own pull request bodies are.
   */
  private java.util.function.UnaryOperator<String> redaction(boolean markdown) {
    Secrets secrets = Secrets.of(ctx.env(), List.of());
    return markdown ? s -> AgentText.inert(secrets.redact(s)) : secrets::redact;
  }
}
