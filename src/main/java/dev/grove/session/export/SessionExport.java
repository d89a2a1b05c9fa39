package dev.grove.session.export;

import dev.grove.session.Node;
import dev.grove.session.SessionStore;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A session written out for people who do not run grove: one self-contained HTML page of the whole
 * tree, or the Markdown of one path for a pull request.
 *
 * <p>Everything an entry says is someone else's text (agents' and other tools'): each piece goes
 * through {@link Options#redact} and is written so that it can only ever be text, never markup or
 * script. Both write to a {@link Writer} as they read, a chunk of entries at a time: an export
 * holds no more of the session than the store does.
 */
public final class SessionExport {
  private SessionExport() {}

  /**
   * What an export says about itself and how it treats text.
   *
   * @param tool the tool that wrote the source file ({@code grove}, {@code pi}, {@code claude},
   *     {@code codex})
   * @param sourceName the source file's name, shown in the header (not its whole path)
   * @param generator who exported it, e.g. {@code grove 0.1.0}
   * @param exportedAt when
   * @param redact applied to every piece of text taken from an entry (secrets masked)
   * @param resultChars Markdown cuts a tool result longer than this many characters (or {@link
   *     #RESULT_LINES} lines) with a note of what was left out
   */
  public record Options(
      String tool,
      String sourceName,
      String generator,
      Instant exportedAt,
      UnaryOperator<String> redact,
      int resultChars) {
    /** Markdown cuts a tool result to this many lines. */
    public static final int RESULT_LINES = 60;

    public Options {
      Objects.requireNonNull(tool, "tool");
      Objects.requireNonNull(sourceName, "sourceName");
      Objects.requireNonNull(generator, "generator");
      Objects.requireNonNull(exportedAt, "exportedAt");
      Objects.requireNonNull(redact, "redact");
      if (resultChars < 100) {
        throw new IllegalArgumentException(
            "results are cut at no fewer than 100 characters, not " + resultChars);
      }
    }

    /** Nothing redacted, results cut at 4,000 characters. */
    public static Options of(String tool, String sourceName, String generator, Instant at) {
      return new Options(tool, sourceName, generator, at, UnaryOperator.identity(), 4_000);
    }

    public Options withRedact(UnaryOperator<String> r) {
      return new Options(tool, sourceName, generator, exportedAt, r, resultChars);
    }
  }

  /**
   * The whole tree as one HTML page that needs nothing but a browser: inline style and script only,
   * a Content-Security-Policy that lets no other script run and nothing load, the path to {@code
   * marked} opened and the entry marked. Returns how many entries (tree nodes) it holds.
   */
  public static int html(SessionStore store, String marked, Writer out, Options options)
      throws IOException {
    return new HtmlExport(store, options).write(store.resolve(marked), out);
  }

  /**
   * The context of {@code entry} (what a model is sent there) as Markdown: a heading per message,
   * tool calls and results in fenced blocks, long results cut. Returns how many messages it holds.
   */
  public static int markdown(SessionStore store, String entry, Writer out, Options options)
      throws IOException {
    return new MarkdownExport(store, options).write(store.resolve(entry), out);
  }

  /**
   * The current leaf: the head of the lane written last (what {@code grove session tree} marks).
   *
   * @throws IllegalArgumentException when the session has no entries
   */
  public static String currentLeaf(SessionStore store) {
    Node[] last = new Node[1];
    store.forEachNode(n -> last[0] = n);
    if (last[0] == null) {
      throw new IllegalArgumentException(
          "session file " + store.shown() + " has no entries: there is nothing to export");
    }
    return store.laneHead(last[0].lane()).orElse(last[0].id());
  }
}
