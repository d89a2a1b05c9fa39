package dev.grove.cli;

import dev.grove.secrets.Secrets;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.function.Supplier;

/**
 * Output to a terminal that nothing printed can take over. Agent text (a summary, a command, a file
 * name, a tool result) reaches the terminal through many commands; a model could fill it with
 * escape sequences that set the clipboard (OSC 52), retitle the window, move the cursor to
 * overwrite what grove printed, or hide text. Every character that a terminal acts on instead of
 * showing is replaced here by a visible stand-in: C0 controls but tab and newline by their Unicode
 * "control pictures" (ESC shows as ␛), DEL by ␡, C1 controls and the bidirectional overrides and
 * isolates ("Trojan Source") by U+FFFD.
 *
 * <p>When it prints UTF-8 bytes ({@link SafeUtf8Writer}), the filter is applied as the characters
 * are encoded, in the same pass.
 *
 * <p>grove's own control sequences (the live progress display's cursor moves) go through {@link
 * #control}, which is the only way to write one.
 */
final class TerminalWriter extends PrintWriter {
  private final Supplier<Secrets> secrets;
  private final SafeUtf8Writer bytes; // the filter's own encoder, or null: filter here

  TerminalWriter(Writer out) {
    this(out, Secrets::none);
  }

  /**
   * @param secrets what is redacted from everything printed, before the terminal's filter: grove's
   *     secrets never show. Asked for at each write, so that they are collected when something is
   *     first printed, not before.
   */
  TerminalWriter(Writer out, Supplier<Secrets> secrets) {
    super(out, true);
    this.secrets = secrets;
    this.bytes = out instanceof SafeUtf8Writer w ? w : null;
  }

  /** Writes a control sequence of grove's own, unfiltered. */
  void control(String sequence) {
    if (bytes == null) {
      super.write(sequence, 0, sequence.length());
      return;
    }
    synchronized (lock) {
      try {
        bytes.writeRaw(sequence);
      } catch (java.io.IOException e) {
        setError();
      }
    }
  }

  @Override
  public void write(int c) {
    if (bytes != null) {
      super.write(c); // the encoder filters
    } else {
      super.write(safe((char) c));
    }
  }

  /**
   * Writes {@code len} characters as one piece: redaction sees them together. Characters that hold
   * no piece of a secret ({@link Secrets#mayRedact}, checked where they lie) skip the redactor:
   * with the filter in the encoder they go to it as they are, uncopied. The others are redacted as
   * a string.
   */
  @Override
  public void write(char[] buf, int off, int len) {
    if (secrets.get().mayRedact(buf, off, off + len)) {
      String s = new String(buf, off, len);
      write(s, 0, s.length());
    } else if (bytes != null) {
      super.write(buf, off, len);
    } else {
      String clean = safe(new String(buf, off, len));
      super.write(clean, 0, clean.length());
    }
  }

  @Override
  public void write(String s, int off, int len) {
    String part = off == 0 && len == s.length() ? s : s.substring(off, off + len);
    String redacted = secrets.get().redact(part);
    String clean = bytes != null ? redacted : safe(redacted);
    super.write(clean, 0, clean.length());
  }

  /** {@code s} with every character a terminal would act on replaced by a visible one. */
  static String safe(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (unsafe(s.charAt(i))) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int j = 0; j < s.length(); j++) {
          sb.append(safe(s.charAt(j)));
        }
        return sb.toString();
      }
    }
    return s;
  }

  /** {@code c}, or the visible character that stands in for it. */
  static char safe(char c) {
    if (!unsafe(c)) {
      return c;
    }
    if (c < 0x20) {
      return (char) (0x2400 + c); // ␀ … ␟, ␛ for ESC
    }
    return c == 0x7f ? '\u2421' : '\ufffd';
  }

  /** Whether a terminal would act on {@code c} rather than show it (tab and newline are fine). */
  static boolean unsafe(char c) {
    return (c < 0x20 && c != '\n' && c != '\t')
        || (c >= 0x7f && c <= 0x9f)
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069);
  }
}
