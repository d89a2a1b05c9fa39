package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TerminalWriterTest {
  static final String HOSTILE =
      "summary\u001b]52;c;cm0gLXJmIH4=\u0007 \u001b[2Khidden\rover\u009b31m \u202etxt.exe";

  @Test
  void agentTextCannotActOnTheTerminal() {
    StringWriter raw = new StringWriter();
    TerminalWriter out = new TerminalWriter(raw);
    out.println(HOSTILE);
    out.flush();
    String shown = raw.toString();
    assertThat(
            shown
                .chars()
                .filter(c -> c == 0x1b || c == 0x07 || c == '\r' || c == 0x9b || c == 0x202e))
        .isEmpty();
    assertThat(shown)
        .contains("summary\u241b]52;c;")
        .contains("\u240d")
        .contains("hidden")
        .endsWith("txt.exe\n");
  }

  @Test
  void grovesOwnControlSequencesStillWork() {
    StringWriter raw = new StringWriter();
    TerminalWriter out = new TerminalWriter(raw);
    out.control("\u001b[2F");
    out.print("line");
    out.flush();
    assertThat(raw.toString()).isEqualTo("\u001b[2Fline");
  }

  @Test
  void jsonOutputStaysExactThroughTheFilter() throws Exception {
    StringWriter raw = new StringWriter();
    Json.print(new TerminalWriter(raw), Json.object().put("text", HOSTILE));
    assertThat(raw.toString()).doesNotContain("\u241b");
    assertThat(new ObjectMapper().readTree(raw.toString()).path("text").asText())
        .isEqualTo(HOSTILE);
  }

  @Test
  void theWholeCliPrintsThroughIt() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintWriter w =
        new TerminalWriter(
            new java.io.OutputStreamWriter(bytes, java.nio.charset.StandardCharsets.UTF_8));
    w.print('\u001b');
    w.write(new char[] {'a', '\u0007'}, 0, 2);
    w.flush();
    assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("\u241ba\u2407");
  }
}
