package dev.grove.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.orchestrator.Changes;
import dev.grove.orchestrator.LaneActivity;
import dev.grove.orchestrator.LaneState;
import dev.grove.orchestrator.LaneStatus;
import dev.grove.orchestrator.Repositories;
import dev.grove.orchestrator.RunEvent;
import dev.grove.orchestrator.RunJson;
import dev.grove.orchestrator.RunLog;
import dev.grove.orchestrator.RunState;
import dev.grove.orchestrator.RunStatus;
import dev.grove.secrets.Secrets;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import dev.grove.session.catalog.Hit;
import dev.grove.session.catalog.Summary;
import dev.grove.session.catalog.SummaryJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The API's JSON: runs, lanes and entries in the CLI's vocabulary ({@link RunJson}), with what a
 * live view adds (lane activity, a tree's shape, entry previews, patches). Every text that comes
 * from a session or a patch is scrubbed of the secrets of this process's environment on its way
 * out: nothing secret is sent to the page.
 */
final class Views {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = new JsonFactory();

  /** Longest preview of an entry's text in the tree. */
  static final int PREVIEW = 160;

  /** Most entries a search returns. */
  static final int SEARCH_LIMIT = 5000;

  private final Secrets secrets;

  Views(Secrets secrets) {
    this.secrets = secrets;
  }

  String redact(String s) {
    return s == null ? null : secrets.redact(s);
  }

  // ---------------------------------------------------------------- runs

  /** The runs list: repositories, runs newest first, and the queue of what needs a person. */
  ObjectNode runs(List<Repositories.Known> repositories, List<Library.RunRef> refs, Library lib) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ArrayNode repos = o.putArray("repositories");
    for (Repositories.Known k : repositories) {
      repos
          .addObject()
          .put("repo", k.repo().toString())
          .put("runs", k.runs().toString())
          .put("missing", k.missing())
          .put("lastRun", k.lastRun() == null ? null : k.lastRun().toString());
    }
    ArrayNode runs = o.putArray("runs");
    ArrayNode queue = o.putArray("queue");
    for (Library.RunRef r : refs) {
      Library.Snapshot snap;
      try {
        snap = lib.snapshot(r);
      } catch (RuntimeException unreadable) {
        runs.addObject()
            .put("run", r.run())
            .put("repo", r.repo().toString())
            .put("state", "unreadable")
            .put("detail", redact(String.valueOf(unreadable.getMessage())));
        continue;
      }
      ObjectNode run = RunJson.run(snap.status());
      run.put("repo", r.repo().toString());
      run.remove("lanes");
      ArrayNode lanes = run.putArray("lanes");
      for (LaneStatus l : snap.status().lanes()) {
        lanes.addObject().put("lane", l.lane()).put("state", l.state().label());
      }
      redactStrings(run);
      runs.add(run);
      queue(queue, r, snap.status());
    }
    return o;
  }

  /** What in a run needs a person: an interrupted run, failed or stopped lanes, shipping failed. */
  private void queue(ArrayNode queue, Library.RunRef r, RunStatus st) {
    if (st.state() == RunState.INTERRUPTED) {
      item(queue, r, null, "interrupted", "no process works on it and it has work left: resume it");
    }
    for (LaneStatus l : st.lanes()) {
      String detail = l.detail() == null ? "" : l.detail().strip().lines().findFirst().orElse("");
      if (l.state() == LaneState.FAILED) {
        String kind =
            detail.startsWith("verification failed")
                ? "verification"
                : detail.startsWith("reached the") ? "limit" : "failed";
        item(queue, r, l.lane(), kind, detail);
      } else if (l.state() == LaneState.STOPPED) {
        item(queue, r, l.lane(), "stopped", detail);
      } else if (l.state() == LaneState.FINISHED && l.shippingFailed()) {
        item(queue, r, l.lane(), "shipping", detail);
      }
    }
  }

  private void item(ArrayNode queue, Library.RunRef r, String lane, String kind, String detail) {
    queue
        .addObject()
        .put("run", r.run())
        .put("repo", r.repo().toString())
        .put("lane", lane)
        .put("kind", kind)
        .put("detail", redact(detail));
  }

  /** One run, live: the CLI's run object, each lane with its activity and last verification. */
  ObjectNode run(Library.RunRef r, Library.Snapshot snap, SessionStore s) {
    RunStatus st = snap.status();
    ObjectNode o = RunJson.run(st);
    o.put("repo", r.repo().toString());
    o.put("now", Instant.now().toString());
    Map<String, RunEvent.LaneVerified> verified = new HashMap<>();
    Map<String, String> spawnedFrom = new HashMap<>();
    String mode = null;
    for (RunLog.Logged e : new RunLog(s).read()) {
      switch (e.event()) {
        case RunEvent.LaneVerified v -> verified.put(e.lane(), v);
        case RunEvent.LaneSpawned sp -> {
          if (sp.fromEntry() != null) {
            spawnedFrom.put(sp.lane(), sp.fromEntry());
          }
        }
        case RunEvent.RunStarted started -> mode = started.mode();
        default -> {}
      }
    }
    o.put("mode", mode);
    ArrayNode lanes = o.putArray("lanes");
    for (LaneStatus l : st.lanes()) {
      ObjectNode x = RunJson.lane(l);
      LaneActivity a = snap.activity().get(l.lane());
      x.put("lastTool", a == null ? null : a.lastTool());
      x.put("seconds", a == null ? 0 : a.seconds());
      ArrayNode spans = x.putArray("spans");
      if (a != null) {
        for (LaneActivity.Span sp : a.spans()) {
          spans
              .addObject()
              .put("start", sp.start().toString())
              .put("end", sp.end() == null ? null : sp.end().toString())
              .put("how", sp.how());
        }
      }
      RunEvent.LaneVerified v = verified.get(l.lane());
      if (v == null) {
        x.putNull("verification");
      } else {
        x.putObject("verification")
            .put("command", v.command())
            .put("ok", v.ok())
            .put("exitCode", v.exitCode())
            .put("timedOut", v.timedOut())
            .put("commit", v.commit());
      }
      x.put("fromEntry", spawnedFrom.get(l.lane()));
      x.put("shippingFailed", l.shippingFailed());
      lanes.add(x);
    }
    redactStrings(o);
    return o;
  }

  // ---------------------------------------------------------------- the tree

  /**
   * A session tree's shape, without bodies, as columns (one array per field, one element per node,
   * in file order): what the page needs to lay out and filter 100,000 entries at once. Named by
   * {@code field}: {@code run} for a run, {@code key} for a session of the Sessions list.
   */
  byte[] tree(String field, String name, SessionStore s) {
    List<String> ids = new ArrayList<>();
    List<String> parents = new ArrayList<>();
    List<String> lanes = new ArrayList<>();
    List<Integer> kinds = new ArrayList<>();
    s.forEachNode(
        n -> {
          ids.add(n.id());
          parents.add(n.parentId());
          lanes.add(n.lane());
          kinds.add(kind(n.type(), n.role()));
        });
    Map<String, Integer> index = new HashMap<>(ids.size() * 2);
    for (int i = 0; i < ids.size(); i++) {
      index.put(ids.get(i), i);
    }
    Map<String, Integer> laneIndex = new LinkedHashMap<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream(ids.size() * 24 + 1024);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField(field, name);
      g.writeStringField("session", s.header().id());
      g.writeNumberField("count", ids.size());
      g.writeArrayFieldStart("ids");
      for (String id : ids) {
        g.writeString(id);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("parents");
      for (String p : parents) {
        Integer i = p == null ? null : index.get(p);
        g.writeNumber(i == null ? -1 : i);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("lanes");
      for (String l : lanes) {
        g.writeNumber(laneIndex.computeIfAbsent(l, k -> laneIndex.size()));
      }
      g.writeEndArray();
      g.writeArrayFieldStart("kinds");
      for (int k : kinds) {
        g.writeNumber(k);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("laneNames");
      for (String l : laneIndex.keySet()) {
        g.writeString(l);
      }
      g.writeEndArray();
      g.writeObjectFieldStart("heads");
      for (Map.Entry<String, String> h : s.laneHeads().entrySet()) {
        g.writeStringField(h.getKey(), h.getValue());
      }
      g.writeEndObject();
      g.writeObjectFieldStart("labels");
      for (Map.Entry<String, String> l : s.labels().entrySet()) {
        g.writeStringField(l.getKey(), redact(l.getValue()));
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Kinds of nodes, as the page draws them. */
  static final List<String> KINDS =
      List.of("system", "user", "assistant", "tool", "event", "summary", "other");

  static int kind(String type, Role role) {
    if (role != null) {
      return switch (role) {
        case SYSTEM -> 0;
        case USER -> 1;
        case ASSISTANT -> 2;
        case TOOL -> 3;
      };
    }
    return switch (type) {
      case "event" -> 4;
      case "summary" -> 5;
      default -> 6;
    };
  }

  /** Short previews of entries, for the rows of the tree the page shows. */
  ArrayNode previews(List<Entry> entries, Map<String, String> kept) {
    ArrayNode arr = JsonNodeFactory.instance.arrayNode();
    for (Entry e : entries) {
      ObjectNode o = arr.addObject();
      o.put("id", e.id());
      o.put("ts", e.ts() == null ? null : e.ts().toString());
      o.put("lane", e.lane());
      o.put("type", e.type());
      String text;
      switch (e.body()) {
        case Body.Message m -> {
          o.put("role", m.role().wireName());
          text = m.content();
          ArrayNode tools = o.putArray("tools");
          for (ToolCall c : m.toolCalls()) {
            tools.add(c.name());
          }
          o.put("error", m.isError());
          o.put("checkpoint", m.checkpoint() != null || kept.containsKey(e.id()));
          if (m.usage() != null) {
            o.put("cost", m.usage().cost());
          }
        }
        case Body.Event ev -> {
          o.put("kind", ev.kind());
          text = eventText(ev);
        }
        case Body.Summary sm -> text = sm.summary();
        case Body.Label l -> text = l.label();
        case Body.Head h -> text = "head → " + h.targetId();
        case Body.Unknown u -> text = "(" + u.type() + ")";
      }
      o.put("text", redact(preview(text)));
    }
    return arr;
  }

  private static String eventText(Body.Event ev) {
    StringBuilder sb = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = ev.data().properties().iterator();
        it.hasNext() && sb.length() < PREVIEW; ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getValue().isValueNode() && !f.getValue().isNull()) {
        sb.append(sb.isEmpty() ? "" : " ").append(f.getKey()).append('=');
        sb.append(f.getValue().asText());
      }
    }
    return sb.toString();
  }

  static String preview(String text) {
    if (text == null) {
      return "";
    }
    String one = text.strip().replaceAll("\\s+", " ");
    return one.length() > PREVIEW ? one.substring(0, PREVIEW - 1) + "…" : one;
  }

  /** One entry in full: its line (the vocabulary), its label and its checkpoint. */
  ObjectNode entry(Entry e, String label, String checkpoint) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.set("entry", RunJson.entry(e));
    o.put("label", label);
    o.put("checkpoint", checkpoint);
    redactStrings(o);
    return o;
  }

  /** Most entries of a context the API lists (the ones nearest the entry are kept). */
  static final int CONTEXT_LIMIT = 2000;

  /**
   * What a model is sent at {@code entry}: {@code {entry, count, cut, entries}}, the entries as
   * previews in order, the last {@link #CONTEXT_LIMIT} of them ({@code cut} says how many earlier
   * ones were left out).
   */
  ObjectNode context(String entry, List<Entry> context) {
    int cut = Math.max(0, context.size() - CONTEXT_LIMIT);
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("entry", entry);
    o.put("count", context.size());
    o.put("cut", cut);
    o.set("entries", previews(context.subList(cut, context.size()), Map.of()));
    return o;
  }

  // ---------------------------------------------------------------- other tools' sessions

  /**
   * The Sessions list: {@code {total, sessions, warnings}}, each session as {@code grove sessions
   * --json} prints it, with its {@code key} (what the other requests take) and its {@code run} when
   * it is a run of a known repository.
   */
  ObjectNode sessions(
      List<Shelf.Shelved> shown, Map<Shelf.Shelved, Hit> hits, int total, List<String> warnings) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("total", total);
    ArrayNode arr = o.putArray("sessions");
    for (Shelf.Shelved x : shown) {
      Summary s = x.summary();
      ObjectNode j = arr.addObject();
      j.put("key", x.key());
      j.put("run", x.run());
      SummaryJson.fill(j, s, hits.get(x));
    }
    ArrayNode w = o.putArray("warnings");
    warnings.forEach(w::add);
    redactStrings(o);
    return o;
  }

  /** The ids of the entries whose text holds {@code q} (case-insensitive), in file order. */
  ArrayNode search(SessionStore s, String q) {
    String needle = q.toLowerCase(Locale.ROOT);
    List<String> ids = new ArrayList<>();
    s.forEachNode(n -> ids.add(n.id()));
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (int from = 0; from < ids.size() && out.size() < SEARCH_LIMIT; from += 2048) {
      for (Entry e : s.entries(ids.subList(from, Math.min(ids.size(), from + 2048)))) {
        if (out.size() < SEARCH_LIMIT && matches(e, needle)) {
          out.add(e.id());
        }
      }
    }
    return out;
  }

  private static boolean matches(Entry e, String needle) {
    return switch (e.body()) {
          case Body.Message m ->
              has(m.content(), needle)
                  || m.toolCalls().stream()
                      .anyMatch(c -> has(c.name(), needle) || has(c.arguments(), needle));
          case Body.Event ev -> has(ev.kind(), needle) || has(ev.data().toString(), needle);
          case Body.Summary sm -> has(sm.summary(), needle);
          case Body.Label l -> false;
          case Body.Head h -> false;
          case Body.Unknown u -> has(u.json(), needle);
        }
        || e.id().startsWith(needle);
  }

  private static boolean has(String text, String needle) {
    return text != null && text.toLowerCase(Locale.ROOT).contains(needle);
  }

  /** A change as {@code {from, to, patch, cut, detail}}. */
  ObjectNode change(Changes.Change c) {
    return JsonNodeFactory.instance
        .objectNode()
        .put("from", c.from())
        .put("to", c.to())
        .put("patch", redact(c.patch()))
        .put("cut", c.cut())
        .put("detail", c.note());
  }

  /** Every string in the tree of {@code node}, scrubbed. */
  void redactStrings(JsonNode node) {
    if (secrets.isEmpty()) {
      return;
    }
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getValue().isTextual()) {
          f.setValue(JsonNodeFactory.instance.textNode(redact(f.getValue().asText())));
        } else {
          redactStrings(f.getValue());
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i).isTextual()) {
          a.set(i, JsonNodeFactory.instance.textNode(redact(a.get(i).asText())));
        } else {
          redactStrings(a.get(i));
        }
      }
    }
  }

  static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
