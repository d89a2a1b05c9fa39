package dev.grove.session.catalog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A listed session as JSON, one shape for {@code grove sessions --json} and the dashboard's
 * Sessions view: {@code tool, file, lastActivity, size, entries, firstMessage, labels, problems,
 * notes, hit} ({@code hit}: the search's {@code {entry, snippet}}, or null).
 */
public final class SummaryJson {
  private SummaryJson() {}

  /** Puts the fields of {@code s} (and of its search hit {@code h}, or null) into {@code o}. */
  public static ObjectNode fill(ObjectNode o, Summary s, Hit h) {
    o.put("tool", s.tool().label());
    o.put("file", s.file().toString());
    o.put("lastActivity", s.lastActivity().toString());
    o.put("size", s.size());
    o.put("entries", s.entries());
    o.put("firstMessage", s.firstMessage());
    ArrayNode labels = o.putArray("labels");
    s.labels().forEach(labels::add);
    o.put("problems", s.problems());
    ArrayNode notes = o.putArray("notes");
    s.notes().forEach(notes::add);
    if (h == null) {
      o.putNull("hit");
    } else {
      o.putObject("hit").put("entry", h.entry()).put("snippet", h.snippet());
    }
    return o;
  }
}
