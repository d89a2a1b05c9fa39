package dev.grove.agent;

import dev.grove.fs.Confined;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;

/**
 * read_file with start_line/end_line: the file is streamed through one buffer and only the lines
 * asked for are kept, at most {@code maxShown} bytes of them, so memory stays the same for a line
 * of 1 GB as for a file of ten lines. Scanning stops after {@code maxScanned} bytes, which bounds
 * the time a call takes; lines past that are for a command ({@code sed -n}), and the result says
 * so.
 */
final class LineRange {
  private static final int BUFFER = 64 * 1024;

  private LineRange() {}

  static ToolResult read(Confined.OpenFile f, int from, int to, int maxShown, long maxScanned)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    byte[] b = buffer.array();
    ByteArrayOutputStream shown = new ByteArrayOutputStream();
    long line = 1; // the line the next byte belongs to
    long scanned = 0;
    long cutInLine = 0;
    byte last = '\n';
    boolean end = false;
    while (scanned < maxScanned) {
      buffer.clear().limit((int) Math.min(BUFFER, maxScanned - scanned));
      int n = f.channel().read(buffer);
      if (n < 0) {
        end = true;
        break;
      }
      for (int i = 0; i < n; i++) {
        if (line >= from && line <= to) {
          if (b[i] == 0) {
            return new ToolResult.Error(
                f.path() + " is not UTF-8 text (" + f.size() + " bytes); it looks binary");
          }
          if (shown.size() < maxShown) {
            shown.write(b[i]);
          } else if (cutInLine == 0) {
            cutInLine = line;
          }
        }
        if (b[i] == '\n') {
          line++;
        }
      }
      scanned += n;
      if (n > 0) {
        last = b[n - 1];
      }
    }
    if (!end && f.channel().read(ByteBuffer.allocate(1)) < 0) {
      end = true; // the file ended exactly at the limit
    }
    long total = line - 1 + (last == '\n' ? 0 : 1);
    if (end && from > total) {
      return new ToolResult.Error(
          f.path() + " has " + total + " lines; start_line " + from + " is past its end");
    }
    if (!end && from >= line) {
      return new ToolResult.Error(
          "start_line "
              + from
              + " of "
              + f.path()
              + " is past the first "
              + maxScanned
              + " bytes (line "
              + line
              + "), further than read_file looks; use run_command, e.g. sed -n '"
              + from
              + ","
              + Math.min(to, (long) from + 99)
              + "p' "
              + f.path());
    }
    byte[] bytes = shown.toByteArray();
    String text;
    try {
      text =
          FileTools.decode(cutInLine == 0 ? bytes : FileTools.wholeCharacters(bytes, bytes.length));
    } catch (CharacterCodingException e) {
      return new ToolResult.Error(
          f.path() + " is not UTF-8 text (" + f.size() + " bytes); it looks binary");
    }
    long lastShown = end ? Math.min(to, total) : Math.min(to, line - 1);
    StringBuilder out =
        new StringBuilder("[lines ")
            .append(from)
            .append('-')
            .append(lastShown)
            .append(" of ")
            .append(
                end
                    ? String.valueOf(total)
                    : "more than "
                        + (line - 1)
                        + " (read_file stopped counting after "
                        + maxScanned
                        + " bytes)")
            .append("]\n")
            .append(text);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      out.append('\n');
    }
    if (cutInLine != 0) {
      out.append("[… cut at ")
          .append(maxShown)
          .append(" bytes, in line ")
          .append(cutInLine)
          .append("; read on with start_line ")
          .append(cutInLine)
          .append(" or a smaller range]\n");
    }
    return new ToolResult.Ok(out.toString());
  }
}
