package dev.grove.text;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Agent-written text made safe to put where grove vouches for what it says: a commit message, a
 * pull request's title and body. The agent's words stay readable; what they could do beyond being
 * read does not survive: control characters and bidirectional overrides, trailers that claim
 * provenance, Markdown and HTML that could hide or fake grove's own sections, mentions that notify
 * people, issue references and closing keywords that act on a forge. Used for what grove ships
 * (orchestrator) and for the Markdown it exports (session.export).
 */
public final class AgentText {
  /** A word joiner: invisible, and it stops a forge from linking what it sits in. */
  private static final String JOIN = "\u2060";

  private static final Pattern TRAILER_LIKE =
      Pattern.compile("(?im)^[ \\t]*grove-[a-z0-9-]*[ \\t]*:.*(\\n|$)");
  private static final Pattern MENTION = Pattern.compile("@(?=[A-Za-z0-9_-])");
  private static final Pattern REFERENCE =
      Pattern.compile("(#|!|GH-)(?=\\d)", Pattern.CASE_INSENSITIVE);

  /**
   * A closing keyword followed by an issue given as a URL or {@code owner/repo#N}: the reference
   * alone is broken elsewhere.
   */
  private static final Pattern CLOSING =
      Pattern.compile(
          "\\b(clos|fix|resolv)(e[sd]?|es|ed)?(?=\\s*:?\\s*(https?://|[\\w.-]+/[\\w.-]+#))",
          Pattern.CASE_INSENSITIVE);

  private AgentText() {}

  /** Without control characters (tab and newline kept), C1 controls or bidirectional overrides. */
  public static String plain(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\r') {
        continue;
      }
      boolean control =
          (c < 0x20 && c != '\n' && c != '\t')
              || (c >= 0x7f && c <= 0x9f)
              || (c >= 0x202a && c <= 0x202e)
              || (c >= 0x2066 && c <= 0x2069);
      sb.append(control ? '\ufffd' : c);
    }
    return sb.toString();
  }

  /** Without lines that look like grove's provenance trailers ({@code Grove-Session: …}). */
  public static String withoutTrailers(String s) {
    return TRAILER_LIKE.matcher(s).replaceAll("");
  }

  /**
   * With mentions, issue references ({@code #12}, {@code GH-12}, {@code !12}) and closing keywords
   * that name an issue by URL broken by an invisible word joiner, so that a forge notifies nobody
   * and links, closes or reopens nothing. Words alone ("Fix the parser") are left as they are:
   * without a reference they do nothing.
   */
  public static String inert(String s) {
    String out = MENTION.matcher(s).replaceAll("@" + JOIN);
    out = REFERENCE.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + JOIN));
    return CLOSING
        .matcher(out)
        .replaceAll(
            m -> Matcher.quoteReplacement(m.group().charAt(0) + JOIN + m.group().substring(1)));
  }

  /** One line of plain, inert text of at most {@code max} characters (a title). */
  public static String line(String s, int max) {
    String one = inert(plain(s)).replaceAll("\\s+", " ").strip();
    return cap(one, max);
  }

  /**
   * A fenced code block that shows {@code s} literally, whatever it contains: its fence is longer
   * than any run of backticks inside, so the text cannot close it early and what follows it is
   * grove's again.
   */
  public static String fenced(String s) {
    String text = inert(plain(s));
    String fence = "`".repeat(Math.max(3, longestRun(text, '`') + 1));
    return fence + "text\n" + text + (text.endsWith("\n") ? "" : "\n") + fence + "\n";
  }

  /**
   * Inline code showing {@code s} literally on one line (a file name exactly as it is; pass agent
   * prose through {@link #inert} first).
   */
  public static String code(String s) {
    String text = plain(s).replace('\n', '\u2424').replace('\t', ' ');
    String ticks = "`".repeat(longestRun(text, '`') + 1);
    boolean pad = text.startsWith("`") || text.endsWith("`") || text.isEmpty();
    return ticks + (pad ? " " : "") + text + (pad ? " " : "") + ticks;
  }

  /** At most {@code max} characters, the cut said. */
  public static String cap(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    String marker = "… (" + (s.length() - max) + " more characters)";
    return s.substring(0, Math.max(0, max - marker.length())) + marker;
  }

  /** The longest run of {@code c} in {@code s}: a Markdown fence or code span must be longer. */
  public static int longestRun(String s, char c) {
    int best = 0;
    int run = 0;
    for (int i = 0; i < s.length(); i++) {
      run = s.charAt(i) == c ? run + 1 : 0;
      best = Math.max(best, run);
    }
    return best;
  }
}
