package dev.grove.session.foreign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.session.Dialect;
import dev.grove.session.Entry;
import dev.grove.session.Role;
import dev.grove.session.foreign.Convert.Bad;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * pi session files (format versions 2 and 3, whose entries have ids) read in place: grove's own
 * line scanner indexes them, a message is turned into grove's form only when it is read, the same
 * way {@link PiConverter} converts it, so a context comes out as from a converted copy. Version 1
 * files, without ids, are converted instead.
 */
final class PiDialect implements Dialect {
  private static final Quick QUICK =
      new Quick(
          "message",
          "message",
          Map.of("user", Role.USER, "assistant", Role.ASSISTANT, "toolResult", Role.TOOL));

  private final PiConverter pi = PiConverter.inPlace();
  private final String sourceFile;

  /**
   * @param sourceFile the file as the header's {@code importedFrom} names it
   */
  PiDialect(String sourceFile) {
    this.sourceFile = sourceFile;
  }

  /**
   * Whether a pi file can be read in place: its header names format version 2 or later. A header
   * that cannot be read says no, and the conversion then reports what is wrong with it.
   */
  static boolean readsInPlace(Path file) {
    try (Lines in = new Lines(Files.newInputStream(file))) {
      String first = in.next();
      JsonNode n = first == null ? null : Convert.JSON.readTree(first);
      return n != null && n.path("version").asInt(1) >= 2;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public String tool() {
    return "pi";
  }

  @Override
  public Quick quick() {
    return QUICK;
  }

  @Override
  public String header(String firstLine) throws Unreadable {
    String grove = toGrove(firstLine, 1, null);
    if (pi.version() < 2) {
      throw new Unreadable(
          "a pi session of format version "
              + pi.version()
              + " has no ids: it is converted, not"
              + " read in place");
    }
    return grove;
  }

  @Override
  public String toGrove(String line, int lineNo, Tree tree) throws Unreadable {
    try {
      return pi.convertLine(line, lineNo, sourceFile, tree);
    } catch (Bad bad) {
      throw new Unreadable(bad.getMessage());
    }
  }

  /**
   * A user, assistant or tool-result message, straight from its bytes ({@link PiMessageDecoder}).
   */
  @Override
  public Entry decode(byte[] b, int from, int to, int lineNo) {
    return PiMessageDecoder.decode(pi, b, from, to, lineNo);
  }

  @Override
  public String resolve(String id) {
    return pi.resolve(id);
  }

  @Override
  public boolean resolves() {
    return pi.hasLabels();
  }
}
