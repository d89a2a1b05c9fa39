package dev.grove.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * read_file, write_file and edit_file, confined to a {@link Workspace}. Each returns a
 * {@link ToolResult}; bad arguments and refused paths are errors for the model, never exceptions.
 */
final class FileTools {
  static final int MAX_READ_BYTES = 256 * 1024;
  static final int MAX_WRITE_BYTES = 8 * 1024 * 1024;
  static final int MAX_OUTPUT_CHARS = 60_000;

  private final Workspace ws;

  FileTools(Workspace ws) {
    this.ws = ws;
  }

  ToolResult read(JsonNode args) {
    Path p = ws.existing(Args.string(args, "path"));
    if (Files.isDirectory(p)) {
      return new ToolResult.Error(Args.string(args, "path") + " is a directory; use list_files to see what is in it");
    }
    long size;
    try {
      size = Files.size(p);
    } catch (IOException e) {
      return new ToolResult.Error("cannot read " + ws.relative(p) + ": " + e.getMessage());
    }
    int from = Args.optionalInt(args, "start_line", 1);
    int to = Args.optionalInt(args, "end_line", Integer.MAX_VALUE);
    if (from < 1 || to < from) {
      return new ToolResult.Error("start_line must be >= 1 and end_line >= start_line (got " + from + ".." + to + ")");
    }
    String text;
    try {
      text = decode(readAtMost(p, from == 1 && to == Integer.MAX_VALUE ? MAX_READ_BYTES : Integer.MAX_VALUE / 2));
    } catch (CharacterCodingException e) {
      return new ToolResult.Error(ws.relative(p) + " is not UTF-8 text (" + size + " bytes); it looks binary");
    } catch (IOException e) {
      return new ToolResult.Error("cannot read " + ws.relative(p) + ": " + e.getMessage());
    }
    if (from == 1 && to == Integer.MAX_VALUE) {
      if (size > MAX_READ_BYTES) {
        long lines = text.lines().count();
        return new ToolResult.Ok(text + "\n[… the file is " + size + " bytes; only the first " + MAX_READ_BYTES
            + " (" + lines + " lines) are shown; read further with start_line/end_line]");
      }
      return new ToolResult.Ok(text);
    }
    String[] lines = text.split("\n", -1);
    int total = text.endsWith("\n") ? lines.length - 1 : lines.length;
    if (from > total) {
      return new ToolResult.Error(ws.relative(p) + " has " + total + " lines; start_line " + from + " is past its end");
    }
    int last = Math.min(to, total);
    StringBuilder sb = new StringBuilder();
    for (int i = from - 1; i < last; i++) {
      sb.append(lines[i]).append('\n');
    }
    return new ToolResult.Ok(Text.cap("[lines " + from + "-" + last + " of " + total + "]\n" + sb, MAX_OUTPUT_CHARS));
  }

  ToolResult write(JsonNode args) {
    String given = Args.string(args, "path");
    String content = Args.stringAllowEmpty(args, "content");
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_WRITE_BYTES) {
      return new ToolResult.Error("content is " + bytes.length + " bytes; the limit is " + MAX_WRITE_BYTES);
    }
    Path p = ws.writable(given);
    boolean existed = Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    try {
      Files.createDirectories(p.getParent());
      Files.write(p, bytes, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return new ToolResult.Error("cannot write " + given + ": " + e.getMessage());
    }
    return new ToolResult.Ok((existed ? "overwrote " : "created ") + ws.relative(p) + " (" + bytes.length + " bytes, "
        + content.lines().count() + " lines)");
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
    Path p = ws.writable(given);
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return new ToolResult.Error("no such file: " + given + " (edit_file changes existing files; use write_file to create one)");
    }
    String text;
    try {
      text = decode(readAtMost(p, MAX_WRITE_BYTES));
    } catch (CharacterCodingException e) {
      return new ToolResult.Error(given + " is not UTF-8 text; edit_file only edits text");
    } catch (IOException e) {
      return new ToolResult.Error("cannot read " + given + ": " + e.getMessage());
    }
    List<Integer> at = occurrences(text, old);
    if (at.isEmpty()) {
      return new ToolResult.Error("old text not found in " + given
          + "; it must match exactly, including whitespace and indentation (read the file again to copy it)");
    }
    if (at.size() > 1 && !all) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < Math.min(at.size(), 20); i++) {
        lines.add(String.valueOf(lineOf(text, at.get(i))));
      }
      return new ToolResult.Error("old text matches " + at.size() + " places in " + given + " (lines "
          + String.join(", ", lines) + (at.size() > 20 ? ", …" : "")
          + "); include more surrounding lines so it matches exactly one, or set replace_all");
    }
    String updated = all ? text.replace(old, replacement)
        : text.substring(0, at.get(0)) + replacement + text.substring(at.get(0) + old.length());
    try {
      Files.write(p, updated.getBytes(StandardCharsets.UTF_8), StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return new ToolResult.Error("cannot write " + given + ": " + e.getMessage());
    }
    return new ToolResult.Ok("edited " + ws.relative(p) + ": " + at.size() + (at.size() == 1 ? " replacement" : " replacements")
        + " (line " + lineOf(text, at.get(0)) + ")");
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

  private static byte[] readAtMost(Path p, int max) throws IOException {
    try (var in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
      return in.readNBytes(max);
    }
  }

  /** Strict UTF-8: a file that does not decode is binary to us. */
  private static String decode(byte[] bytes) throws CharacterCodingException {
    for (byte b : bytes) {
      if (b == 0) {
        throw new CharacterCodingException();
      }
    }
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(java.nio.ByteBuffer.wrap(bytes))
        .toString();
  }
}
