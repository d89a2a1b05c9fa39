package dev.grove.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The one redactor: every form of echo the issue showed, and ordinary text left alone. */
class SecretsTest {
  static final String KEY = "sk-proj-Xq7Lm2Vt9RbK4sNw8YcE1ZpH6dGf3JaU5oTiQr0Bx";
  static final String BODY = KEY.substring("sk-proj-".length());
  static final Secrets SECRETS = Secrets.values(List.of(KEY));

  /** Every run of {@code n} characters of {@code s}. */
  static List<String> pieces(String s, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i + n <= s.length(); i++) {
      out.add(s.substring(i, i + n));
    }
    return out;
  }

  /** Asserts that no 7-character piece of the key's secret part is in {@code text}, in any case. */
  static void noPieceOfTheKeyIn(String text) {
    String folded = text.toLowerCase(Locale.ROOT);
    for (String p : pieces(BODY.toLowerCase(Locale.ROOT), 7)) {
      assertThat(folded).as("a 7-character piece of the key").doesNotContain(p);
    }
  }

  @Test
  void aWholeKeyIsMaskedWithItsPrefix() {
    assertThat(SECRETS.redact("Incorrect API key provided: " + KEY + ". See the docs."))
        .isEqualTo("Incorrect API key provided: [REDACTED]. See the docs.");
  }

  @Test
  void aKeyCutIntoSevenCharacterPiecesIsMasked() {
    StringBuilder cut = new StringBuilder("here it is in parts: ");
    for (int i = 0; i < KEY.length(); i += 7) {
      cut.append(KEY, i, Math.min(KEY.length(), i + 7)).append(i % 14 == 0 ? " | " : "\n");
    }
    String out = SECRETS.redact(cut.toString());
    noPieceOfTheKeyIn(out);
    assertThat(out).startsWith("here it is in parts: ").contains("[REDACTED]");
  }

  @Test
  void upperCasedAndReversedEchoesAreMasked() {
    noPieceOfTheKeyIn(SECRETS.redact("KEY: " + KEY.toUpperCase(Locale.ROOT)));
    String reversed = new StringBuilder(KEY).reverse().toString();
    String out =
        SECRETS.redact(
            "backwards: "
                + reversed
                + " and shouted backwards: "
                + reversed.toUpperCase(Locale.ROOT));
    noPieceOfTheKeyIn(new StringBuilder(out).reverse().toString());
    assertThat(out).startsWith("backwards: [REDACTED]");
  }

  @Test
  void base64AtEveryAlignmentStandardAndUrlSafeIsMasked() {
    for (String before : List.of("", "a", "ab", "{\"api_key\":\"")) {
      byte[] blob = (before + KEY + "\",\"more\":\"?>?>?>\"}").getBytes(StandardCharsets.UTF_8);
      for (Base64.Encoder enc :
          List.of(Base64.getEncoder(), Base64.getUrlEncoder(), Base64.getMimeEncoder())) {
        String encoded = enc.encodeToString(blob);
        String out = SECRETS.redact("token=" + encoded);
        assertThat(out).as("%s at offset %d", encoded, before.length()).contains("[REDACTED]");
        for (String p : pieces(keyPartOf(enc.encodeToString(blob), before.length(), enc), 10)) {
          assertThat(out).as("Base64 of the key, at offset %d", before.length()).doesNotContain(p);
        }
      }
    }
  }

  /** The characters of a Base64 text that encode only bytes of the key's secret part. */
  static String keyPartOf(String encoded, int offset, Base64.Encoder enc) {
    String plain = encoded.replace("\r\n", "");
    long from = 8L * (offset + KEY.length() - BODY.length());
    long to = 8L * (offset + KEY.length());
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < plain.length(); j++) {
      if (6L * j >= from && 6L * j + 6 <= to) {
        sb.append(plain.charAt(j));
      }
    }
    return sb.toString();
  }

  @Test
  void hexInEitherCaseIsMasked() {
    String hex = HexFormat.of().formatHex(KEY.getBytes(StandardCharsets.UTF_8));
    for (String h : List.of(hex, hex.toUpperCase(Locale.ROOT))) {
      String out = SECRETS.redact("dump: " + h);
      String bodyHex = HexFormat.of().formatHex(BODY.getBytes(StandardCharsets.UTF_8));
      for (String p : pieces(bodyHex, 14)) {
        assertThat(out.toLowerCase(Locale.ROOT)).doesNotContain(p);
      }
    }
  }

  @Test
  void ordinaryTextIsLeftAsItIs() {
    String text =
        """
        Set GITHUB_TOKEN and OPENAI_API_KEY; keys look like sk-proj-… and tokens like ghp_….
        commit 4f9a1c0e5e1f7c2a9b7d3e4f5a6b7c8d9e0f1a2b  Merge branch 'task/fix-login'
        for (int i = 0; i < n; i++) { total += price[i] * qty[i]; }  // run-tests.sh passes
        """;
    assertThat(SECRETS.redact(text)).isSameAs(text);
    assertThat(Secrets.values(List.of("ghp_run-test-token")).redact("sh run-tests.sh"))
        .isEqualTo("sh run-tests.sh");
  }

  @Test
  void aWordLikeSecretIsMaskedOnlyWhole() {
    Secrets s = Secrets.values(List.of("correct-horse-battery"));
    assertThat(s.redact("the password is CORRECT-HORSE-BATTERY, a horse is correct"))
        .isEqualTo("the password is [REDACTED], a horse is correct");
  }

  @Test
  void aMegabyteOfRandomTextGetsNoSpuriousMask() {
    long seed = 20261124L;
    System.out.println("seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_ \n";
    StringBuilder sb = new StringBuilder(1 << 20);
    for (int i = 0; i < 1 << 20; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    String text = sb.toString();
    assertThat(SECRETS.redact(text)).isSameAs(text);
  }

  @Test
  void secretsComeFromKnownConfiguredAndSecretLookingVariables() {
    Map<String, String> env =
        Map.of(
            "OPENAI_API_KEY", "sk-Aa1Bb2Cc3Dd4Ee5Ff6",
            "WORK_CRED", "Wq9Er8Ty7Ui6Op5As4", // configured as an api-key-env
            "CI_JOB_TOKEN", "Zx1Cv2Bn3Mm4Lk5Jh6", // looks secret by its name
            "DB_PASSWORD", "Pw0Pw9Pw8Pw7Pw6",
            "SSH_KEY", "/home/dev/.ssh/id_ed25519", // a path, not a secret
            "SHORT_TOKEN", "abc123", // too short to be one
            "PATH", "/usr/local/bin:/usr/bin:/bin",
            "HOME", "/home/dev");
    Secrets s = Secrets.of(env, List.of("WORK_CRED"));
    for (String secret :
        List.of(
            "sk-Aa1Bb2Cc3Dd4Ee5Ff6",
            "Wq9Er8Ty7Ui6Op5As4",
            "Zx1Cv2Bn3Mm4Lk5Jh6",
            "Pw0Pw9Pw8Pw7Pw6")) {
      assertThat(s.redact("x " + secret + " y")).isEqualTo("x [REDACTED] y");
    }
    String ordinary = "cd /home/dev/.ssh/id_ed25519 abc123 /usr/local/bin:/usr/bin:/bin";
    assertThat(s.redact(ordinary)).isSameAs(ordinary);
    assertThat(Secrets.of(env, List.of()).redact("Wq9Er8Ty7Ui6Op5As4"))
        .as("not named, not secret-looking")
        .isEqualTo("Wq9Er8Ty7Ui6Op5As4");
    assertThat(Secrets.none().redact("Wq9Er8Ty7Ui6Op5As4")).isEqualTo("Wq9Er8Ty7Ui6Op5As4");
    assertThat(Secrets.none().isEmpty()).isTrue();
  }

  @Test
  void sanitizedExceptionsKeepClassesAndStacksButNoSecret() {
    IOException io = new IOException("invalid header value: \"Bearer " + KEY + "\"");
    RuntimeException wrapped =
        new UncheckedIOException("call failed with " + KEY.toUpperCase(Locale.ROOT), io);
    Throwable copy = SECRETS.sanitize(wrapped);
    StringWriter w = new StringWriter();
    copy.printStackTrace(new PrintWriter(w));
    assertThat(w.toString())
        .contains("java.io.UncheckedIOException", "java.io.IOException", "SecretsTest");
    noPieceOfTheKeyIn(w.toString());
    assertThat(copy.getCause()).isNotNull();
  }
}
