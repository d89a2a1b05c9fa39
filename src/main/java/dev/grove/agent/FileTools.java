package dev.grove.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.fs.Confined;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * read_file, write_file and edit_file, confined to a {@link Workspace}. Each returns a {@link
 * ToolResult}; bad arguments and refused paths are errors for the model, never exceptions. No call
 * holds more than a bounded amount of a file in memory, whatever the file's size: a whole read
 * keeps its first {@link #MAX_READ_BYTES}, a line range streams ({@link LineRange}), an edit
 * refuses files over {@link #MAX_WRITE_BYTES}.
 */
final class FileTools {
  static final int MAX_READ_BYTES = 256 * 1024;
  static final int MAX_WRITE_BYTES = 8 * 1024 * 1024;
  static final int MAX_OUTPUT_CHARS = 60_000;

  /** How far into a file a line range is looked for. */
  static final long MAX_SCAN_BYTES = 64L * 1024 * 1024;

  private final Workspace ws;

  FileTools(Workspace ws) {
    this.ws = ws;
  }

  ToolResult read(JsonNode args) {
    String given = Args.string(args, "path");
    int from = Args.optionalInt(args, "start_line", 1);
    int to = Args.optionalInt(args, "end_line", Integer.MAX_VALUE);
    if (from < 1 || to < from) {
      return new ToolResult.Error(
          "start_line must be >= 1 and end_line >= start_line (got " + from + ".." + to + ")");
    }
    if (ws.stat(given).kind() == Confined.Kind.DIRECTORY) {
      return new ToolResult.Error(given + " is a directory; use list_files to see what is in it");
    }
    try (Confined.OpenFile f = ws.open(given)) {
      if (from == 1 && to == Integer.MAX_VALUE) {
        return head(f);
      }
      return LineRange.read(f, from, to, MAX_OUTPUT_CHARS, MAX_SCAN_BYTES);
    } catch (IOException | UncheckedIOException e) {
      return new ToolResult.Error("cannot read " + given + ": " + e.getMessage());
    }
  }

  /** The file, or its first {@link #MAX_READ_BYTES} with a note on how to read on. */
  private static ToolResult head(Confined.OpenFile f) throws IOException {
    byte[] read = f.readAtMost(MAX_READ_BYTES + 1);
    boolean cut = read.length > MAX_READ_BYTES;
    String text;
    try {
      text = decode(cut ? wholeCharacters(read, MAX_READ_BYTES) : read);
    } catch (CharacterCodingException e) {
      return new ToolResult.Error(
          f.path() + " is not UTF-8 text (" + f.size() + " bytes); it looks binary");
    }
    if (!cut) {
      return new ToolResult.Ok(text);
    }
    return new ToolResult.Ok(
        text
            + "\n[… the file is "
            + Math.max(f.size(), read.length)
            + " bytes; only the first "
            + MAX_READ_BYTES
            + " ("
            + text.lines().count()
            + " lines) are shown; read further with start_line/end_line]");
  }

  ToolResult write(JsonNode args) {
    String given = Args.string(args, "path");
    String content = Args.stringAllowEmpty(args, "content");
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_WRITE_BYTES) {
      return new ToolResult.Error(
          "content is " + bytes.length + " bytes; the limit is " + MAX_WRITE_BYTES);
    }
    Confined.Written w;
    try {
      w = ws.write(given, bytes);
    } catch (UncheckedIOException e) {
      return new ToolResult.Error("cannot write " + given + ": " + e.getMessage());
    }
    return new ToolResult.Ok(
        (w.created() ? "created " : "overwrote ")
            + w.path()
            + " ("
            + bytes.length
            + " bytes, "
            + content.lines().count()
            + " lines)");
  }

  ToolResult edit(JsonNode args) {
    String given = Args.string(args, "path");
    String old = Args.stringAllowEmpty(args, "old");
    String replacement = Args.stringAllowEmpty(args, "new");
    boolean all = Args.optionalBoolean(args, "replace_all", false);
    if (old.isEmpty()) {
      return new ToolResult.Error("old must not be empty; to create a file use write_file");
    }
    if (old.equals(replacement)) {
      return new ToolResult.Error("old and new are the same; nothing to change");
    }
    byte[] bytes;
    try (Confined.OpenFile f = ws.open(given)) {
      bytes = f.readAtMost(MAX_WRITE_BYTES + 1);
    } catch (Workspace.Refused e) {
      if (e.reason() == Confined.Refused.Reason.NOT_FOUND) {
        return new ToolResult.Error(
            "no such file: "
                + given
                + " (edit_file changes existing files; use write_file to create one)");
      }
      throw e;
    } catch (IOException | UncheckedIOException e) {
      return new ToolResult.Error("cannot read " + given + ": " + e.getMessage());
    }
    if (bytes.length > MAX_WRITE_BYTES) {
      return new ToolResult.Error(
          given
              + " is larger than "
              + MAX_WRITE_BYTES
              + " bytes, more than edit_file edits; "
              + "change it with run_command (e.g. sed -i)");
    }
    String text;
    try {
      text = decode(bytes);
    } catch (CharacterCodingException e) {
      return new ToolResult.Error(given + " is not UTF-8 text; edit_file only edits text");
    }
    List<Integer> at = occurrences(text, old);
    if (at.isEmpty()) {
      return new ToolResult.Error(
          "old text not found in "
              + given
              + "; it must match exactly, including whitespace and indentation (read the file again to copy it)");
    }
    if (at.size() > 1 && !all) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < Math.min(at.size(), 20); i++) {
        lines.add(String.valueOf(lineOf(text, at.get(i))));
      }
      return new ToolResult.Error(
          "old text matches "
              + at.size()
              + " places in "
              + given
              + " (lines "
              + String.join(", ", lines)
              + (at.size() > 20 ? ", …" : "")
              + "); include more surrounding lines so it matches exactly one, or set replace_all");
    }
    String updated =
        all
            ? text.replace(old, replacement)
            : text.substring(0, at.get(0)) + replacement + text.substring(at.get(0) + old.length());
    Confined.Written w;
    try {
      w = ws.write(given, updated.getBytes(StandardCharsets.UTF_8));
    } catch (UncheckedIOException e) {
      return new ToolResult.Error("cannot write " + given + ": " + e.getMessage());
    }
    return new ToolResult.Ok(
        "edited "
            + w.path()
            + ": "
            + at.size()
            + (at.size() == 1 ? " replacement" : " replacements")
            + " (line "
            + lineOf(text, at.get(0))
            + ")");
  }

  private static List<Integer> occurrences(String text, String needle) {
    List<Integer> at = new ArrayList<>();
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
      at.add(i);
    }
    return at;
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /** The first {@code max} bytes of {@code b}, less a multi-byte character the cut split in two. */
  static byte[] wholeCharacters(byte[] b, int max) {
    int n = Math.min(max, b.length);
    int start = n - 1;
    while (start >= 0 && n - start < 4 && (b[start] & 0xC0) == 0x80) {
      start--; // continuation bytes, 10xxxxxx
    }
    if (start >= 0) {
      int lead = b[start] & 0xFF;
      int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
      if (start + length > n) {
        n = start;
      }
    }
    return Arrays.copyOf(b, n);
  }

  /** Strict UTF-8: a file that does not decode is binary to us. */
  static String decode(byte[] bytes) throws CharacterCodingException {
    for (byte b : bytes) {
      if (b == 0) {
        throw new CharacterCodingException();
      }
    }
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }
}
