package dev.grove.secrets;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The secrets of a process (model API keys, forge tokens, passwords from the environment) and the
 * one redactor that removes them from text before grove stores, prints or sends it. Immutable and
 * safe for many threads; build it once and reuse it, since building does the work that makes {@link
 * #redact} fast.
 *
 * <p>What is a secret: the value of every variable named explicitly (the model key variables,
 * including a configured {@code api-key-env}, and the forge token variables, including {@code
 * forge-token-env}), and of every variable whose name looks secret ({@code *_KEY}, {@code *_TOKEN},
 * {@code *_SECRET}, {@code *_PAT}, {@code *PASSWORD*}), when the value has at least {@value
 * #MIN_LENGTH} characters. A value of a variable that only <em>looks</em> secret is skipped when it
 * is a path ({@code /…}, {@code ~/…}, {@code ./…}): such variables often name a key file, and
 * redacting every mention of its directory would garble output.
 *
 * <p>What is caught, case-insensitively: a secret whole; any stretch of text that shares {@value
 * #PIECE} or more consecutive characters with a secret, read forwards or backwards, where those
 * characters {@linkplain #randomLooking look random} (a digit, or mixed case, in the secret);
 * {@value #PIECE_BASE64} or more characters of its Base64 (standard or URL-safe, at each of the
 * three byte alignments, so the secret may sit anywhere in a larger encoded blob); {@value
 * #PIECE_HEX} or more hex digits of its UTF-8 bytes. So a key echoed whole, cut into pieces of 7 or
 * more, upper-cased, reversed, Base64- or hex-encoded is replaced by {@value #MASK}. A secret's
 * public prefix ({@code sk-proj-}, {@code ghp_}, {@code github_pat_}: letters, digits and
 * separators up to the last {@code -} or {@code _} in its first {@value #MAX_PREFIX} characters) is
 * no secret: a piece must hold at least {@value #MIN_SECRET_PART} characters from after it, so text
 * that merely mentions {@code github_} or {@code sk-proj} is left alone.
 *
 * <p>Limits: pieces shorter than these lengths pass (a key cut into 6-character pieces is not
 * caught), as do encodings other than these (a key spelled with a space between letters, in
 * URL-encoding or ROT13), and the rare piece of a random key that has neither a digit nor mixed
 * case (about 1 in 200 of a mixed-case key's). A word-like value ({@code postgres}, {@code
 * ghp_run-test-token}) is caught only whole. The lengths trade leaks for false positives: one
 * random 7-character piece matches a given place in ordinary text with odds of about one in
 * 36<sup>7</sup> (≈8·10<sup>10</sup>), and a 40-character key has some 70 pieces, so about one in
 * 10<sup>9</sup> per character per secret: a megabyte of text rarely gets a spurious {@value
 * #MASK}. Hex pieces are 14 digits so that commit ids keep odds as low. A word-like secret is
 * masked wherever it occurs whole, which may be inside ordinary words.
 */
public final class Secrets {
  /** What a secret is replaced with. */
  public static final String MASK = "[REDACTED]";

  /**
   * Values shorter than this are not treated as secrets (no real key is this short; "true" or
   * "8080" are not).
   */
  public static final int MIN_LENGTH = 8;

  /** A run of this many characters shared with a secret (or its reverse) is masked. */
  static final int PIECE = 7;

  /** … of its Base64: 10 characters carry 7.5 bytes. */
  static final int PIECE_BASE64 = 10;

  /** … of its hex: 14 digits carry 7 bytes. */
  static final int PIECE_HEX = 14;

  /**
   * A piece of the plain secret must hold at least this many characters from after its public
   * prefix.
   */
  static final int MIN_SECRET_PART = 3;

  static final int MAX_PREFIX = 16;

  /**
   * The variables grove reads keys and tokens from by default; configured names are added to these.
   */
  static final List<String> KNOWN =
      List.of(
          "OPENAI_API_KEY",
          "ANTHROPIC_API_KEY",
          "GITHUB_TOKEN",
          "GH_TOKEN",
          "GITLAB_TOKEN",
          "GITEA_TOKEN",
          "FORGEJO_TOKEN");

  private static final char[] ASCII_FOLDED = new char[128];

  static {
    for (char c = 0; c < 128; c++) {
      ASCII_FOLDED[c] = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
  }

  private static final Secrets NONE = new Secrets(List.of());
  private static final long BASE =
      0x100000001B3L; // the FNV prime: odd, so no character's weight vanishes mod 2^64

  private final String[] secrets;
  private final boolean
      wordLike; // some secret has no random-looking piece: it is looked for whole, everywhere
  private final Pieces plain; // pieces of the secrets, forwards and backwards
  private final Pieces base64;
  private final Pieces hex;
  private final Quadgrams quadgrams; // of every piece and word-like secret: the pre-check's filter
  private final String[] wordLikeFolded; // the word-like secrets, folded

  private Secrets(List<String> values) {
    this.secrets = values.toArray(new String[0]);
    this.wordLike = values.stream().anyMatch(v -> !hasRandomLookingPiece(v));
    this.quadgrams = new Quadgrams();
    this.plain = new Pieces(PIECE, quadgrams);
    this.base64 = new Pieces(PIECE_BASE64, quadgrams);
    this.hex = new Pieces(PIECE_HEX, quadgrams);
    List<String> words = new ArrayList<>();
    for (String v : values) {
      plain.addAll(v);
      base64.addAll(v);
      hex.addAll(v);
      if (!hasRandomLookingPiece(v)) {
        words.add(fold(v));
        quadgrams.addAll(v, 0, v.length());
      }
    }
    this.wordLikeFolded = words.toArray(new String[0]);
  }

  /** No secrets: {@link #redact} returns its argument. */
  public static Secrets none() {
    return NONE;
  }

  /** These values as secrets (those shorter than {@value #MIN_LENGTH} characters are ignored). */
  public static Secrets values(Collection<String> values) {
    List<String> kept = new ArrayList<>();
    for (String v : new LinkedHashSet<>(values)) {
      if (v != null && v.strip().length() >= MIN_LENGTH) {
        kept.add(v.strip());
      }
    }
    return kept.isEmpty() ? NONE : new Secrets(kept);
  }

  /**
   * The secrets of {@code env}: the values of the {@linkplain #KNOWN usual key and token
   * variables}, of {@code variableNames} (a configured {@code api-key-env} or {@code
   * forge-token-env}; nulls are skipped), and of every variable whose name {@linkplain #looksSecret
   * looks secret}.
   */
  public static Secrets of(Map<String, String> env, Collection<String> variableNames) {
    Set<String> named = new LinkedHashSet<>(KNOWN);
    for (String n : variableNames) {
      if (n != null) {
        named.add(n);
      }
    }
    List<String> values = new ArrayList<>();
    env.forEach(
        (name, value) -> {
          if (value != null
              && (named.contains(name) || looksSecret(name) && !isPath(value.strip()))) {
            values.add(value);
          }
        });
    return values(values);
  }

  /**
   * The secrets of this process's environment, built once; configured variable names need {@link
   * #of}.
   */
  public static Secrets fromEnvironment() {
    return OfProcess.SECRETS;
  }

  private static final class OfProcess {
    static final Secrets SECRETS = of(System.getenv(), List.of());
  }

  /** Whether a variable of this name holds a secret by its name alone. */
  public static boolean looksSecret(String variableName) {
    String n = variableName.toUpperCase(Locale.ROOT);
    return n.endsWith("_KEY")
        || n.endsWith("_TOKEN")
        || n.endsWith("_SECRET")
        || n.endsWith("_PAT")
        || n.contains("PASSWORD");
  }

  private static boolean isPath(String value) {
    return value.startsWith("/")
        || value.startsWith("~/")
        || value.startsWith("./")
        || value.startsWith("../");
  }

  /** True when there is nothing to redact. */
  public boolean isEmpty() {
    return secrets.length == 0;
  }

  /**
   * {@code text} with every piece of every secret replaced by {@value #MASK}; the same object when
   * there is none.
   */
  public String redact(String text) {
    if (text == null || secrets.length == 0) {
      return text;
    }
    BitSet hit = markPieces(text);
    if (hit != null) {
      hit = markPrefixes(text, hit);
    }
    if (wordLike) {
      hit = markWordLike(text, hit);
    }
    if (hit == null) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    int at = 0;
    for (int start = hit.nextSetBit(0); start >= 0; start = hit.nextSetBit(at)) {
      int end = hit.nextClearBit(start);
      sb.append(text, at, start).append(MASK);
      at = end;
    }
    return sb.append(text, at, text.length()).toString();
  }

  /**
   * Whether {@link #redact} may change {@code text[from, to)}: false means it would return those
   * characters as they are. A pre-check over the characters where they lie, with no copy, about
   * seven times cheaper than the redactor's own pass: every fourth window of 4 folded characters is
   * looked up in a filter of those of every piece and every word-like secret (each window of 7
   * characters or more holds one of them whole), and only around one found there are the windows'
   * hashes rolled and compared with the pieces', or their text with a word-like secret. A piece of
   * a secret in the text passes the filter in every case (the filter can let through too much,
   * never too little), and its hash is computed as {@link #redact} computes it; so the answer is
   * false only where the redactor finds nothing. (The one exception: a window that is no piece but
   * whose 64-bit hash equals one, which the redactor masks and the filter may let pass: odds of
   * about one in 10<sup>17</sup> per character.)
   */
  public boolean mayRedact(char[] text, int from, int to) {
    if (secrets.length == 0) {
      return false;
    }
    long[] bits = quadgrams.bits;
    // every window of 7 or more characters holds a window of 4 ending at one of these
    for (int e = from + 3; e < to; e += 4) {
      int q =
          key(text[e - 3]) << 24 | key(text[e - 2]) << 16 | key(text[e - 1]) << 8 | key(text[e]);
      int slot = Quadgrams.slot(q);
      if ((bits[slot >>> 6] >>> slot & 1) != 0 && foundAround(text, from, to, e)) {
        return true;
      }
    }
    return false;
  }

  /** A folded character's low byte: what the filter keeps of it. */
  private static int key(char c) {
    return (c < 128 ? ASCII_FOLDED[c] : Character.toLowerCase(c)) & 0xff;
  }

  /**
   * Whether a piece or a word-like secret lies in {@code text[from, to)} over the 4 characters
   * ending at {@code e}.
   */
  private boolean foundAround(char[] text, int from, int to, int e) {
    if (anyPiece(text, from, to, e, plain)
        || anyPiece(text, from, to, e, base64)
        || anyPiece(text, from, to, e, hex)) {
      return true;
    }
    for (String w : wordLikeFolded) {
      for (int s = Math.max(from, e - w.length() + 1); s <= e - 3 && s + w.length() <= to; s++) {
        if (foldedEquals(text, s, w)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether a window of {@code p}'s length over the 4 characters ending at {@code e} has the hash
   * of one of its pieces, rolled as {@link #markPieces} rolls it.
   */
  private static boolean anyPiece(char[] text, int from, int to, int e, Pieces p) {
    int n = p.length;
    int lo = Math.max(from, e - n + 1);
    int end = Math.min(to, e - 3 + n); // past the last window's last character
    long h = 0;
    for (int i = lo; i < end; i++) {
      h = h * BASE + fold(text[i]) - (i - lo >= n ? p.power * fold(text[i - n]) : 0);
      if (i - lo >= n - 1 && p.contains(h)) {
        return true;
      }
    }
    return false;
  }

  private static boolean foldedEquals(char[] text, int start, String folded) {
    for (int k = 0; k < folded.length(); k++) {
      if (fold(text[start + k]) != folded.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * One pass over {@code text}, rolling a hash of each piece length over its folded characters (the
   * last 16 kept in a ring, to drop the one leaving each window); the positions of every piece
   * found, or null.
   */
  private BitSet markPieces(String text) {
    BitSet hit = null;
    Pieces p7 = plain;
    Pieces p10 = base64;
    Pieces p14 = hex;
    long h7 = 0;
    long h10 = 0;
    long h14 = 0;
    char[] ring = new char[16];
    for (int i = 0; i < text.length(); i++) {
      char c = fold(text.charAt(i));
      ring[i & 15] = c;
      h7 = h7 * BASE + c - (i >= PIECE ? p7.power * ring[(i - PIECE) & 15] : 0);
      h10 = h10 * BASE + c - (i >= PIECE_BASE64 ? p10.power * ring[(i - PIECE_BASE64) & 15] : 0);
      h14 = h14 * BASE + c - (i >= PIECE_HEX ? p14.power * ring[(i - PIECE_HEX) & 15] : 0);
      int end = i + 1;
      if (end >= PIECE && p7.contains(h7)) {
        hit = set(hit, text, end - PIECE, end);
      }
      if (end >= PIECE_BASE64 && p10.contains(h10)) {
        hit = set(hit, text, end - PIECE_BASE64, end);
      }
      if (end >= PIECE_HEX && p14.contains(h14)) {
        hit = set(hit, text, end - PIECE_HEX, end);
      }
    }
    return hit;
  }

  private static BitSet set(BitSet hit, String text, int from, int to) {
    BitSet b = hit == null ? new BitSet(text.length()) : hit;
    b.set(from, to);
    return b;
  }

  /**
   * Extends each masked stretch back over a public prefix that begins a whole echo of its secret.
   */
  private BitSet markPrefixes(String text, BitSet hit) {
    for (int start = hit.nextSetBit(0);
        start >= 0;
        start = hit.nextSetBit(hit.nextClearBit(start))) {
      for (String secret : secrets) {
        int prefix = publicPrefix(secret);
        for (int from = Math.max(0, start - prefix); prefix > 0 && from < start; from++) {
          if (text.regionMatches(true, from, secret, 0, secret.length())) {
            hit.set(from, from + secret.length());
            break;
          }
        }
      }
    }
    return hit;
  }

  /** Marks every whole occurrence of a word-like secret, which has no pieces to find it by. */
  private BitSet markWordLike(String text, BitSet hit) {
    String folded = null;
    for (String secret : secrets) {
      if (hasRandomLookingPiece(secret)) {
        continue;
      }
      folded = folded == null ? fold(text) : folded;
      String w = fold(secret);
      for (int at = folded.indexOf(w); at >= 0; at = folded.indexOf(w, at + 1)) {
        hit = hit == null ? new BitSet(text.length()) : hit;
        hit.set(at, at + w.length());
      }
    }
    return hit;
  }

  /**
   * A copy of {@code t} and its causes whose messages are redacted, keeping class names and stack
   * traces: something to attach as a cause for debugging without carrying the original messages
   * along.
   */
  public Throwable sanitize(Throwable t) {
    return sanitize(t, 0);
  }

  private Throwable sanitize(Throwable t, int depth) {
    if (t == null || depth > 32) {
      return null;
    }
    Throwable cause = t.getCause() == t ? null : t.getCause();
    Throwable copy =
        new Redacted(
            t.getClass().getName() + ": " + redact(String.valueOf(t.getMessage())),
            sanitize(cause, depth + 1));
    copy.setStackTrace(t.getStackTrace());
    return copy;
  }

  /** Stands in for an exception whose message may have held a secret. */
  private static final class Redacted extends RuntimeException {
    Redacted(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * {@code s} with every character {@linkplain #fold(char) folded}: the same length, index for
   * index.
   */
  private static String fold(String s) {
    char[] out = new char[s.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = fold(s.charAt(i));
    }
    return new String(out);
  }

  /**
   * Whether a piece of a secret, as the secret spells it, looks random: it has a digit, or both
   * lower- and upper-case letters. Only such pieces are looked for: a piece like {@code run-tes} of
   * a word-like value ({@code ghp_run-test-token}, a password of words) would mask ordinary text;
   * such a value is masked only whole. Of a random mixed-case key's 7-character pieces, about 1 in
   * 200 is not random-looking.
   */
  static boolean randomLooking(CharSequence piece) {
    boolean digit = false;
    boolean lower = false;
    boolean upper = false;
    for (int i = 0; i < piece.length(); i++) {
      char c = piece.charAt(i);
      digit |= Character.isDigit(c);
      lower |= Character.isLowerCase(c);
      upper |= Character.isUpperCase(c);
    }
    return digit || lower && upper;
  }

  private static boolean hasRandomLookingPiece(String secret) {
    for (int i = 0; i + PIECE <= secret.length(); i++) {
      if (randomLooking(secret.subSequence(i, i + PIECE))) {
        return true;
      }
    }
    return false;
  }

  /** Case folding: ASCII letters to lower case, others by {@link Character#toLowerCase(char)}. */
  private static char fold(char c) {
    if (c < 128) {
      return ASCII_FOLDED[c];
    }
    return Character.toLowerCase(c);
  }

  /**
   * The folded, rolling hashes of every piece of one length of the secrets, in an open-addressing
   * set. A 64-bit hash collision (odds ≈ pieces / 2<sup>64</sup> per position) can only mask too
   * much, never too little.
   */
  private static final class Pieces {
    final int length;
    final long power; // BASE^length, to drop the char leaving the window
    final Quadgrams quadgrams;
    long[] table = new long[64];
    int size;

    Pieces(int length, Quadgrams quadgrams) {
      this.length = length;
      this.quadgrams = quadgrams;
      long p = 1;
      for (int i = 0; i < length; i++) {
        p *= BASE;
      }
      this.power = p;
    }

    void addAll(String secret) {
      int prefix = publicPrefix(secret);
      switch (length) {
        case PIECE -> {
          // forwards, then backwards; either way a piece needs MIN_SECRET_PART characters past the
          // prefix
          // and must look random
          addWindows(secret, prefix, secret.length(), true);
          String reversed = new StringBuilder(secret).reverse().toString();
          addWindows(reversed, 0, secret.length() - prefix, true);
        }
        case PIECE_BASE64 -> {
          byte[] body = secret.substring(prefix).getBytes(StandardCharsets.UTF_8);
          for (int align = 0; align < 3; align++) {
            String stable = stableBase64(body, align);
            addWindows(stable, 0, stable.length(), false);
            addWindows(stable.replace('+', '-').replace('/', '_'), 0, stable.length(), false);
          }
        }
        default -> {
          String hex =
              HexFormat.of().formatHex(secret.substring(prefix).getBytes(StandardCharsets.UTF_8));
          addWindows(hex, 0, hex.length(), false);
        }
      }
    }

    /**
     * Adds the windows of {@code s} with at least MIN_SECRET_PART characters in [from, to) (all,
     * for encodings) and, when {@code plain}, only {@linkplain #randomLooking random-looking} ones.
     */
    private void addWindows(String s, int from, int to, boolean plain) {
      int need = from == 0 && to == s.length() ? 0 : MIN_SECRET_PART;
      for (int i = 0; i + length <= s.length(); i++) {
        int inside = Math.min(i + length, to) - Math.max(i, from);
        if (inside >= need && (!plain || randomLooking(s.subSequence(i, i + length)))) {
          add(hash(s, i));
          quadgrams.addAll(s, i, i + length);
        }
      }
    }

    private long hash(String s, int start) {
      long h = 0;
      for (int i = start; i < start + length; i++) {
        h = h * BASE + fold(s.charAt(i));
      }
      return h;
    }

    private void add(long h) {
      long key = h == 0 ? 1 : h;
      if ((size + 1) * 4
          > table.length) { // a quarter full at most: a miss, the usual case, ends at once
        long[] old = table;
        table = new long[old.length * 2];
        size = 0;
        for (long k : old) {
          if (k != 0) {
            insert(k);
          }
        }
      }
      insert(key);
    }

    private void insert(long key) {
      int mask = table.length - 1;
      for (int i = slot(key, mask); ; i = (i + 1) & mask) {
        if (table[i] == key) {
          return;
        }
        if (table[i] == 0) {
          table[i] = key;
          size++;
          return;
        }
      }
    }

    private boolean contains(long h) {
      long key = h == 0 ? 1 : h;
      long[] t = table;
      int mask = t.length - 1;
      for (int i = slot(key, mask); ; i = (i + 1) & mask) {
        long k = t[i];
        if (k == key) {
          return true;
        }
        if (k == 0) {
          return false;
        }
      }
    }

    private static int slot(long key, int mask) {
      return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }
  }

  /**
   * A filter of the windows of 4 folded characters (the low byte of each) of the secrets' pieces:
   * 2<sup>16</sup> bits, one per hash of a window. A window of the text that is in no piece may
   * share a bit with one (about one in 150 for one secret, one in 15 for ten), which only costs a
   * closer look; a window that is in a piece always finds its bit set.
   */
  private static final class Quadgrams {
    final long[] bits = new long[1 << 10];

    /** Adds the windows of 4 of {@code s[from, to)}. */
    void addAll(String s, int from, int to) {
      int q = 0;
      for (int i = from; i < to; i++) {
        q = q << 8 | (fold(s.charAt(i)) & 0xff);
        if (i - from >= 3) {
          int slot = slot(q);
          bits[slot >>> 6] |= 1L << slot;
        }
      }
    }

    static int slot(int q) {
      return (q * 0x9E3779B1) >>> 16;
    }
  }

  /**
   * The length of a secret's public prefix ({@code sk-proj-}, {@code ghp_}): letters and digits up
   * to the last {@code -} or {@code _} within the first {@value #MAX_PREFIX} characters, when at
   * least 16 characters follow it; else 0.
   */
  static int publicPrefix(String secret) {
    int end = 0;
    for (int i = 0; i < Math.min(MAX_PREFIX, secret.length()); i++) {
      char c = secret.charAt(i);
      if (c == '-' || c == '_') {
        end = i + 1;
      } else if (!(c < 128 && Character.isLetterOrDigit(c))) {
        break;
      }
    }
    return secret.length() - end >= 16 ? end : 0;
  }

  /**
   * The Base64 characters of {@code body} that do not depend on the bytes around it, when it
   * follows {@code align} other bytes: a character encodes 6 bits, so only those wholly inside the
   * body's bits count.
   */
  static String stableBase64(byte[] body, int align) {
    byte[] padded = new byte[align + body.length];
    System.arraycopy(body, 0, padded, align, body.length);
    String all = Base64.getEncoder().withoutPadding().encodeToString(padded);
    long firstBit = 8L * align;
    long endBit = 8L * (align + body.length);
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < all.length(); j++) {
      if (6L * j >= firstBit && 6L * j + 6 <= endBit) {
        sb.append(all.charAt(j));
      }
    }
    return sb.toString();
  }
}
