package dev.grove.adversarial;

import static dev.grove.adversarial.OpenAiStub.args;
import static dev.grove.adversarial.OpenAiStub.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.adversarial.Hostile.Shop;
import dev.grove.adversarial.OpenAiStub.Agent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues 9 and 15, a hostile model server talking to grove as the user runs it (its own process,
 * the real terminal writer): its text, commands and summary carry terminal escapes (OSC 52 to set
 * the clipboard, a window title, a screen clear, carriage returns that overwrite grove's lines,
 * bidirectional overrides), and it echoes the model key back whole, upper-cased, in Base64 and in
 * 7-character pieces. Through the run, the merge and {@code grove why}, the terminal gets none of
 * the escapes and none of the key; neither do the session, the commits or the pull request.
 */
class TerminalRunTest {
  static final String ESC = "\u001b";
  @TempDir Path tmp;

  /**
   * The key as the model echoes it: whole, upper-cased, Base64, and in 7-character pieces past its
   * public prefix.
   */
  static List<String> echoes() {
    String key = Hostile.OPENAI_KEY;
    List<String> out =
        new ArrayList<>(
            List.of(
                key,
                key.toUpperCase(Locale.ROOT),
                Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8))));
    for (int i = "sk-test-".length(); i + 7 <= key.length(); i += 7) {
      out.add(key.substring(i, i + 7));
    }
    return out;
  }

  static final String HOSTILE =
      ESC
          + "]52;c;cm0gLXJmIH4="
          + "\u0007"
          + ESC
          + "]0;grove: all good\u0007"
          + ESC
          + "[2J"
          + "\rgrove: all tests passed"
          + "\u202e"
          + "txt.exe"
          + "\u2066"
          + "\u009b31m";

  @Test
  void escapesAndEchoedKeysFromAHostileModelNeverReachTheTerminalTheSessionACommitOrAPullRequest()
      throws Exception {
    Shop shop = Shop.create(tmp);
    String echoed = String.join(" ", echoes());
    try (OpenAiStub model = new OpenAiStub();
        GitHubStub github = new GitHubStub()) {
      GitHubStub.originOnGitHub(shop);
      Hostile.write(shop.groveHome().resolve("config.toml"), "[model.retry]\nmax-attempts = 1\n");
      model
          .turn(
              Agent.ANY,
              null,
              message(
                  "Looking" + HOSTILE + " with your key " + echoed,
                  "c1",
                  "run_command",
                  args(
                      "command",
                      "printf '\\033]52;c;cHduZWQ=\\007\\033[2J\\rok\\n'; echo '"
                          + HOSTILE
                          + "' "
                          + echoed),
                  "c2",
                  "write_file",
                  args(
                      "path",
                      "NOTES.md",
                      "content",
                      "notes" + HOSTILE + "\nkey: " + echoed + "\n")))
          .turn(
              Agent.ANY,
              "c2",
              message(null, "c3", "finish", args("summary", "Done" + HOSTILE + "\n" + echoed)));
      ChildGrove.Result r =
          new ChildGrove()
              .mainClass(Commands.class.getName())
              .run(
                  shop.repo(),
                  Map.of(
                      "PATH",
                      System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                      "GROVE_HOME",
                      shop.groveHome().toString(),
                      "OPENAI_API_KEY",
                      Hostile.OPENAI_KEY,
                      "GITHUB_TOKEN",
                      Hostile.GITHUB_TOKEN,
                      "LANG",
                      "C.UTF-8"),
                  List.of(
                      "run",
                      "fix it",
                      "--model",
                      "openai:gpt-4.1",
                      "--base-url",
                      model.baseUrl(),
                      "--forge",
                      "github",
                      "--forge-url",
                      github.apiUrl(),
                      "--next",
                      "merge",
                      "fix-it",
                      "--next",
                      "why",
                      "NOTES.md:1",
                      "--next",
                      "status"));
      assertThat(r.exit()).as(r.toString()).isZero();
      String terminal = r.outText() + r.errText();
      assertThat(terminal)
          .as("the model's escapes, shown")
          .contains("\u241b]52;c;")
          .contains("lane fix-it");
      for (int i = 0; i < terminal.length(); i++) {
        char c = terminal.charAt(i);
        assertThat(
                (c < 0x20 && c != '\n' && c != '\t')
                    || (c >= 0x7f && c <= 0x9f)
                    || (c >= 0x202a && c <= 0x202e)
                    || (c >= 0x2066 && c <= 0x2069))
            .as("U+%04X at %d in\n%s", (int) c, i, terminal)
            .isFalse();
      }
      String pr = github.everythingSent();
      assertThat(pr).contains("Done");
      for (String[] where :
          new String[][] {
            {"the terminal", terminal},
            {"the session, commits and pushed branches", shop.everythingGroveWrote()},
            {"the pull request", pr}
          }) {
        String folded = where[1].toLowerCase(Locale.ROOT);
        for (String e : echoes()) {
          assertThat(folded)
              .as("%s holds the echo %s", where[0], e)
              .doesNotContain(e.toLowerCase(Locale.ROOT));
        }
      }
      assertThat(shop.git("show", "main:NOTES.md")).contains("[REDACTED]");
    }
  }
}
