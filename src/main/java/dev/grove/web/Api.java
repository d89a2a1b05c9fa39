package dev.grove.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.forge.PullRequest;
import dev.grove.orchestrator.Changes;
import dev.grove.orchestrator.LaneStatus;
import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.RunJson;
import dev.grove.orchestrator.Steering;
import dev.grove.orchestrator.Workbench;
import dev.grove.secrets.Secrets;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Entry;
import dev.grove.session.SessionException;
import dev.grove.session.SessionStore;
import dev.grove.session.catalog.Hit;
import dev.grove.session.catalog.Tool;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The JSON API (docs/api.md): what the page uses, and scripts may too. Reads come from the session
 * files and git; changes go through the run layer's entry points ({@link Steering}) and the session
 * store. Every handler takes its run by id from the path, found only among known runs.
 */
final class Api {
  /** Most entries one previews request may ask for. */
  static final int MAX_PREVIEWS = 1000;

  /** Most sessions one list answer holds (the page asks for fewer). */
  static final int MAX_SESSIONS = 1000;

  private final Library lib;
  private final Shelf shelf;
  private final Views views;
  private final Secrets secrets;

  Api(Library lib, Shelf shelf, Views views, Secrets secrets) {
    this.lib = lib;
    this.shelf = shelf;
    this.views = views;
    this.secrets = secrets;
  }

  // ---------------------------------------------------------------- reads

  byte[] runsView() {
    return Views.bytes(views.runs(lib.repositories(), lib.runs(), lib));
  }

  String runsSignature() {
    StringBuilder sb = new StringBuilder();
    lib.repositories().forEach(k -> sb.append(k.runs()).append(k.missing()).append(';'));
    for (Library.RunRef r : lib.runs()) {
      sb.append(r.run()).append(Library.signature(r)).append(';');
    }
    return sb.toString();
  }

  byte[] runView(String run) {
    Library.RunRef r = lib.find(run);
    Library.Snapshot snap = lib.snapshot(r);
    return Views.bytes(lib.read(r, s -> views.run(r, snap, s)));
  }

  String runSignature(String run) {
    return Library.signature(lib.find(run));
  }

  void runs(Context ctx) {
    json(ctx, runsView());
  }

  void run(Context ctx) {
    json(ctx, runView(ctx.pathParam("run")));
  }

  void tree(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    json(ctx, lib.tree(r.file(), s -> views.tree("run", r.run(), s)));
  }

  void previews(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    List<String> ids = ids(ctx);
    Workbench wb = lib.workbench(r.repo());
    json(
        ctx,
        Views.bytes(lib.read(r, s -> previews(s, ids, wb.checkpoints().kept(s.header().id())))));
  }

  /** The {@code ?ids=} of a previews request: at most {@link #MAX_PREVIEWS}. */
  private static List<String> ids(Context ctx) {
    String given = ctx.queryParam("ids");
    List<String> ids =
        given == null || given.isBlank() ? List.of() : Arrays.asList(given.split(","));
    if (ids.size() > MAX_PREVIEWS) {
      throw new IllegalArgumentException("at most " + MAX_PREVIEWS + " entries at once");
    }
    return ids;
  }

  private ArrayNode previews(SessionStore s, List<String> ids, Map<String, String> kept) {
    for (String id : ids) {
      requireEntry(s, id);
    }
    return views.previews(s.entries(ids), kept);
  }

  /** What a model is sent at an entry (see {@link SessionStore#context}), as previews. */
  void context(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    json(ctx, Views.bytes(lib.read(r, s -> context(s, ctx.pathParam("id")))));
  }

  private ObjectNode context(SessionStore s, String id) {
    String full = requireEntry(s, id);
    return views.context(full, s.context(full));
  }

  void entry(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    String id = ctx.pathParam("id");
    Workbench wb = lib.workbench(r.repo());
    json(
        ctx,
        Views.bytes(
            lib.read(
                r,
                s -> {
                  String full = requireEntry(s, id);
                  Entry e = s.entry(full);
                  String checkpoint =
                      e.body() instanceof Body.Message m && m.checkpoint() != null
                          ? m.checkpoint()
                          : wb.checkpoints().kept(s.header().id()).get(full);
                  return views.entry(e, s.labels().get(full), checkpoint);
                })));
  }

  void entryDiff(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    Workbench wb = lib.workbench(r.repo());
    json(
        ctx,
        Views.bytes(
            lib.read(
                r,
                s -> views.change(Changes.ofEntry(wb, s, requireEntry(s, ctx.pathParam("id")))))));
  }

  void laneDiff(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    Workbench wb = lib.workbench(r.repo());
    String lane = ctx.pathParam("lane");
    json(
        ctx,
        Views.bytes(
            lib.read(
                r,
                s -> {
                  requireLane(r, lane);
                  return views.change(Changes.ofLane(wb, s, lane));
                })));
  }

  /** Two lanes side by side: each one's facts and change, and the change from one to the other. */
  void compare(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    Workbench wb = lib.workbench(r.repo());
    String a = ctx.queryParam("a");
    String b = ctx.queryParam("b");
    if (a == null || b == null) {
      throw new IllegalArgumentException("name the two lanes: ?a=LANE&b=LANE");
    }
    ObjectNode run = (ObjectNode) readTree(runView(r.run()));
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("run", r.run());
    for (String[] side : List.of(new String[] {"a", a}, new String[] {"b", b})) {
      requireLane(r, side[1]);
      ObjectNode lane = null;
      for (JsonNode l : run.path("lanes")) {
        if (l.path("lane").asText().equals(side[1])) {
          lane = (ObjectNode) l;
        }
      }
      ObjectNode x = o.putObject(side[0]);
      x.set("lane", lane);
      x.set("change", lib.read(r, s -> views.change(Changes.ofLane(wb, s, side[1]))));
    }
    o.set("between", lib.read(r, s -> views.change(Changes.between(wb, s, a, b))));
    json(ctx, Views.bytes(o));
  }

  void search(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    String q = query(ctx);
    json(ctx, Views.bytes(lib.read(r, s -> views.search(s, q))));
  }

  private static String query(Context ctx) {
    String q = ctx.queryParam("q");
    if (q == null || q.isBlank()) {
      throw new IllegalArgumentException("search for something: ?q=TEXT");
    }
    return q.strip();
  }

  // ---------------------------------------------------------------- other tools' sessions

  /** The sessions {@code grove sessions} lists, newest first; {@code ?q=} searches them. */
  void sessions(Context ctx) {
    String tool = ctx.queryParam("tool");
    Tool only = tool == null || tool.isBlank() ? null : Tool.named(tool);
    int limit = limit(ctx.queryParam("limit"));
    Shelf.Listing listing = shelf.list();
    List<Shelf.Shelved> shown =
        listing.sessions().stream()
            .filter(x -> only == null || x.summary().tool() == only)
            .toList();
    Map<Shelf.Shelved, Hit> hits = Map.of();
    String q = ctx.queryParam("q");
    if (q != null && !q.isBlank()) {
      hits = shelf.search(shown, q.strip());
      shown = List.copyOf(hits.keySet());
    }
    int total = shown.size();
    json(
        ctx,
        Views.bytes(
            views.sessions(
                shown.subList(0, Math.min(limit, total)), hits, total, listing.warnings())));
  }

  private static int limit(String given) {
    if (given == null || given.isBlank()) {
      return MAX_SESSIONS;
    }
    try {
      int n = Integer.parseInt(given.strip());
      if (n >= 1 && n <= MAX_SESSIONS) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException("?limit= is a number from 1 to " + MAX_SESSIONS);
  }

  void sessionTree(Context ctx) {
    Shelf.Opened o = shelf.open(ctx.pathParam("key"));
    json(
        ctx,
        opening(
            o,
            () ->
                lib.tree(
                    o.readable(),
                    o.shelved().summary().file(),
                    s -> views.tree("key", o.shelved().key(), s))));
  }

  void sessionPreviews(Context ctx) {
    List<String> ids = ids(ctx);
    json(ctx, Views.bytes(readSession(ctx, s -> previews(s, ids, Map.of()))));
  }

  void sessionEntry(Context ctx) {
    json(
        ctx,
        Views.bytes(
            readSession(
                ctx,
                s -> {
                  String full = requireEntry(s, ctx.pathParam("id"));
                  return views.entry(s.entry(full), s.labels().get(full), null);
                })));
  }

  void sessionContext(Context ctx) {
    json(ctx, Views.bytes(readSession(ctx, s -> context(s, ctx.pathParam("id")))));
  }

  void sessionSearch(Context ctx) {
    String q = query(ctx);
    json(ctx, Views.bytes(readSession(ctx, s -> views.search(s, q))));
  }

  /** Runs {@code work} on the session the path's key names, checked again (see {@link Shelf}). */
  private <T> T readSession(Context ctx, Function<SessionStore, T> work) {
    Shelf.Opened o = shelf.open(ctx.pathParam("key"));
    return opening(o, () -> lib.read(o.readable(), o.shelved().summary().file(), work));
  }

  /**
   * {@code work} on an opened session, its file's problems said as such: a session grove cannot
   * read is a message for the page, not a failure of the server.
   */
  private static <T> T opening(Shelf.Opened o, Supplier<T> work) {
    try {
      return work.get();
    } catch (SessionException.NoSuchEntry e) {
      throw e;
    } catch (SessionException e) {
      throw new Shelf.Unavailable(
          422,
          "session file " + o.shelved().summary().file() + " cannot be read: " + e.getMessage(),
          e);
    }
  }

  // ---------------------------------------------------------------- changes

  void label(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    JsonNode body = body(ctx);
    String label = body.path("label").asText("");
    if (label.length() > 200 || label.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException("a label is one line of at most 200 characters");
    }
    json(
        ctx,
        Views.bytes(
            lib.read(
                r,
                s -> {
                  String id = requireEntry(s, ctx.pathParam("id"));
                  s.append(Draft.label(id, label));
                  return JsonNodeFactory.instance
                      .objectNode()
                      .put("run", r.run())
                      .put("entry", id)
                      .put("label", label);
                })));
  }

  void fork(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    JsonNode body = body(ctx);
    String entry = body.path("entry").asText(null);
    if (entry == null || entry.isBlank()) {
      throw new IllegalArgumentException("name the entry to fork from: {\"entry\": ID}");
    }
    String hint = body.path("hint").asText(null);
    String full = lib.read(r, s -> requireEntry(s, entry));
    String lane =
        lib.steering(r.repo())
            .fork(r.run(), full, hint == null || hint.isBlank() ? null : hint, listener());
    json(
        ctx,
        Views.bytes(JsonNodeFactory.instance.objectNode().put("run", r.run()).put("lane", lane)));
  }

  void stop(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    String lane = ctx.pathParam("lane");
    String reason = body(ctx).path("reason").asText("");
    Entry sent =
        lib.read(
            r,
            s ->
                Steering.requestStop(
                    s, lane, reason.isBlank() ? "stopped from the dashboard" : reason));
    steered(ctx, r, lane, sent, lane + " stops before its next model call");
  }

  void say(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    String lane = ctx.pathParam("lane");
    String text = body(ctx).path("text").asText("");
    Entry sent = lib.read(r, s -> Steering.say(s, lane, text, secrets));
    steered(ctx, r, lane, sent, lane + " reads it before its next model call");
  }

  /** The answer to a request written for a lane's agent to read: the entry that carries it. */
  private static void steered(
      Context ctx, Library.RunRef r, String lane, Entry sent, String detail) {
    json(
        ctx,
        Views.bytes(
            JsonNodeFactory.instance
                .objectNode()
                .put("run", r.run())
                .put("lane", lane)
                .put("entry", sent.id())
                .put("detail", detail)));
  }

  void pullRequest(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    String lane = ctx.pathParam("lane");
    requireLane(r, lane);
    PullRequest pr = lib.steering(r.repo()).openPullRequest(r.run(), lane);
    json(
        ctx,
        Views.bytes(
            JsonNodeFactory.instance
                .objectNode()
                .put("run", r.run())
                .put("lane", lane)
                .put("pullRequest", pr == null ? null : pr.url())
                .put(
                    "detail",
                    pr == null ? "the agent changed no files: nothing to ship" : "opened")));
  }

  void mergeCheck(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    json(
        ctx,
        Views.bytes(
            RunJson.merge(lib.steering(r.repo()).mergeCheck(r.run(), ctx.pathParam("lane")))));
  }

  void merge(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    json(
        ctx,
        Views.bytes(RunJson.merge(lib.steering(r.repo()).merge(r.run(), ctx.pathParam("lane")))));
  }

  void clean(Context ctx) {
    Library.RunRef r = lib.find(ctx.pathParam("run"));
    ArrayNode arr = JsonNodeFactory.instance.arrayNode();
    List<Orchestrator.Cleaned> done = new ArrayList<>(lib.steering(r.repo()).clean(r.run()));
    done.forEach(c -> arr.add(RunJson.cleaned(c)));
    json(ctx, Views.bytes(arr));
  }

  // ---------------------------------------------------------------- helpers

  private static Orchestrator.Listener listener() {
    return Orchestrator.Listener.NONE;
  }

  private static String requireEntry(SessionStore s, String id) {
    return s.resolve(id);
  }

  private void requireLane(Library.RunRef r, String lane) {
    List<String> lanes = lib.snapshot(r).status().lanes().stream().map(LaneStatus::lane).toList();
    if (!lanes.contains(lane)) {
      throw new Library.NotFound(
          "no lane "
              + lane
              + " in run "
              + r.run()
              + " (its lanes: "
              + String.join(", ", lanes)
              + ")");
    }
  }

  private static JsonNode body(Context ctx) {
    String text = ctx.body();
    if (text.isBlank()) {
      return JsonNodeFactory.instance.objectNode();
    }
    JsonNode n = readTree(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    if (!n.isObject()) {
      throw new IllegalArgumentException("send a JSON object");
    }
    return n;
  }

  private static JsonNode readTree(byte[] bytes) {
    try {
      return Views.JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "not valid JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
  }

  static void json(Context ctx, byte[] body) {
    ctx.contentType("application/json; charset=utf-8");
    ctx.result(body);
  }

  /** An error as JSON: {@code {error, status}}. */
  static void error(Context ctx, int status, String message) {
    ctx.status(status);
    json(
        ctx,
        Views.bytes(
            JsonNodeFactory.instance.objectNode().put("error", message).put("status", status)));
  }
}
