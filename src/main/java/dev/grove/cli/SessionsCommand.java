package dev.grove.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.orchestrator.Repositories;
import dev.grove.orchestrator.Runs;
import dev.grove.session.catalog.Hit;
import dev.grove.session.catalog.Places;
import dev.grove.session.catalog.SessionCatalog;
import dev.grove.session.catalog.Summary;
import dev.grove.session.catalog.SummaryJson;
import dev.grove.session.catalog.Tool;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "sessions",
    description = {
      "Sessions of grove, pi, Claude Code and Codex, newest first: tool, last activity, size, "
          + "entries, first user message, labels and file. Found in the usual places (this "
          + "repository's and the registered repositories' grove runs, ~/.pi/agent/sessions, "
          + "~/.claude/projects, ~/.codex/sessions) or under the --dir directories.",
      "An index in GROVE_HOME/index/ remembers what was read: unchanged files are not read "
          + "again, grown ones only from where it stopped."
    })
final class SessionsCommand implements Callable<Integer> {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final Context ctx;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Search only this directory, at every depth, for *.jsonl files (repeatable; "
              + "symbolic links are not followed).")
  List<Path> dirs = new ArrayList<>();

  @Option(
      names = "--search",
      paramLabel = "TEXT",
      description =
          "Only sessions whose user or assistant message text contains TEXT (ignoring case), "
              + "with the first entry holding it. Tool calls and their results are not searched.")
  String search;

  @Option(
      names = "--tool",
      paramLabel = "TOOL",
      description = "Only sessions of this tool: grove, pi, claude or codex.")
  String tool;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "At most N sessions (default: ${DEFAULT-VALUE}; 0: all).")
  int limit;

  @Option(names = "--reindex", description = "Forget the index and read every file again.")
  boolean reindex;

  @Mixin JsonFlag json;

  SessionsCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (limit < 0) {
      throw Exits.usage("--limit must be 0 (all) or more, not " + limit);
    }
    if (search != null && search.isEmpty()) {
      throw Exits.usage("--search needs some text");
    }
    Tool only;
    try {
      only = tool == null ? null : Tool.named(tool);
    } catch (IllegalArgumentException e) {
      throw Exits.usage(e.getMessage());
    }
    Places.Found found = Places.find(roots());
    found.warnings().forEach(ctx::warn);

    Path index = ctx.groveHome().resolve("index").resolve("sessions.idx");
    SessionCatalog catalog = reindex ? SessionCatalog.fresh(index) : SessionCatalog.open(index);
    if (catalog.discarded() != null) {
      ctx.warn(
          "the session index "
              + index
              + " was discarded ("
              + catalog.discarded()
              + ")"
              + "; rebuilding it");
    }
    Indexing indexing = new Indexing();
    SessionCatalog.Listing listing = catalog.refresh(found.files(), indexing);
    indexing.done();
    listing.warnings().forEach(ctx::warn);
    try {
      catalog.save();
    } catch (IOException e) {
      ctx.warn(
          "cannot write the session index "
              + index
              + " ("
              + e.getMessage()
              + "); the next listing reads every file again");
    }

    List<Summary> sessions =
        listing.sessions().stream().filter(s -> only == null || s.tool() == only).toList();
    Map<Summary, Hit> hits = new LinkedHashMap<>();
    if (search != null) {
      for (Hit h : catalog.search(sessions, search).hits()) {
        hits.put(h.session(), h);
      }
      sessions = List.copyOf(hits.keySet());
    }
    if (limit > 0 && sessions.size() > limit) {
      sessions = sessions.subList(0, limit);
    }
    if (json.json) {
      ArrayNode arr = Json.array();
      for (Summary s : sessions) {
        arr.add(toJson(s, hits.get(s)));
      }
      Json.print(ctx.out(), arr);
      return Exits.OK;
    }
    print(sessions, hits, listing.sessions().size());
    return Exits.OK;
  }

  /** The directories to search: the --dir ones, else the usual places. */
  private List<Places.Root> roots() {
    List<Places.Root> roots = new ArrayList<>();
    if (!dirs.isEmpty()) {
      for (Path d : dirs) {
        Path dir = ctx.path(d);
        if (!Files.isDirectory(dir)) {
          throw Exits.notFound("--dir " + d + ": no such directory");
        }
        roots.add(Places.Root.below(dir));
      }
      return roots;
    }
    // grove's runs: this repository's, then those of every repository grove ran in
    roots.add(new Places.Root(Runs.dir(ctx.cwd()), 1));
    for (Repositories.Known k : Repositories.at(ctx.groveHome()).list()) {
      roots.add(new Places.Root(k.runs(), 1));
    }
    String home = ctx.env().get("HOME");
    Path h = home != null && !home.isBlank() ? Path.of(home) : ctx.userHome();
    roots.addAll(Places.usual(h, ctx.env()));
    return roots;
  }

  private void print(List<Summary> sessions, Map<Summary, Hit> hits, int total) {
    PrintWriter out = ctx.out();
    if (sessions.isEmpty()) {
      out.println(
          search != null
              ? "no session's messages contain \"" + search + "\" (of " + total + " sessions)"
              : "no sessions found" + (dirs.isEmpty() ? " in the usual places" : " under --dir"));
      out.flush();
      return;
    }
    out.println(
        String.format(
            Locale.ROOT,
            "%-6s %-16s %6s %7s  %-50s  %s",
            "TOOL",
            "LAST ACTIVITY",
            "SIZE",
            "ENTRIES",
            "FIRST MESSAGE",
            "LABELS  FILE"));
    for (Summary s : sessions) {
      String first = s.firstMessage() == null ? "-" : cut(s.firstMessage(), 50);
      String labels =
          s.labels().isEmpty() ? "" : "[" + cut(String.join(", ", s.labels()), 40) + "]  ";
      out.println(
          String.format(
              Locale.ROOT,
              "%-6s %-16s %6s %7d  %-50s  %s%s",
              s.tool().label(),
              WHEN.format(s.lastActivity()),
              size(s.size()),
              s.entries(),
              first,
              labels,
              s.file()));
      if (s.problems() > 0) {
        out.println(
            "       "
                + s.problems()
                + (s.problems() == 1 ? " problem: " : " problems: ")
                + String.join("; ", s.notes()));
      }
      Hit h = hits.get(s);
      if (h != null) {
        out.println("       " + h.entry() + ": " + h.snippet());
      }
    }
    if (total > sessions.size() && search == null) {
      out.println("(" + sessions.size() + " of " + total + "; --limit 0 lists all)");
    }
    out.flush();
  }

  private static ObjectNode toJson(Summary s, Hit h) {
    return SummaryJson.fill(Json.object(), s, h);
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + "B";
    }
    String[] units = {"K", "M", "G", "T"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, v < 10 ? "%.1f%s" : "%.0f%s", v, units[u]);
  }

  private static String cut(String s, int max) {
    return s.length() > max ? s.substring(0, max - 1) + "…" : s;
  }

  /**
   * Indexing progress on standard error, on a terminal only and once indexing has taken a second:
   * one line redrawn in place.
   */
  private final class Indexing implements SessionCatalog.Progress {
    private final long start = ctx.clock().millis();
    private long shown;
    private boolean drawn;

    @Override
    public void read(int done, int total, long bytes) {
      long now = ctx.clock().millis();
      if (!ctx.interactive() || now - start < 1000 || now - shown < 200) {
        return;
      }
      shown = now;
      control("\r\033[2K");
      ctx.err()
          .print("indexing sessions: " + done + "/" + total + " files, " + size(bytes) + " read");
      ctx.err().flush();
      drawn = true;
    }

    void done() {
      if (drawn) {
        control("\r\033[2K");
        ctx.err().flush();
      }
    }

    private void control(String sequence) {
      if (ctx.err() instanceof TerminalWriter t) {
        t.control(sequence);
      } else {
        ctx.err().print(sequence);
      }
    }
  }
}
