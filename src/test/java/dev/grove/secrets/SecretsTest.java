package dev.grove.secrets;

import static java.nio.charset.StandardCharsets.UTF_8;
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

  /** Bits of text to build randomized texts from: ordinary, escaped, and echoes of secrets. */
  private static String fragment(SplittableRandom rnd, List<String> secrets) {
    String secret = secrets.get(rnd.nextInt(secrets.size()));
    return switch (rnd.nextInt(14)) {
      case 0 -> "fix the login ";
      case 1 -> "\\n";
      case 2 -> "\\u0000";
      case 3 -> "\\\"";
      case 4 -> "\n\t";
      case 5 -> "sk-proj github_ ghp_";
      case 6 -> "4f9a1c0e5e1f7c2a9b7d3e4f5a6b7c8d9e0f1a2b ";
      case 7 -> "é日本\u2028😀" + (char) (0x100 + rnd.nextInt(0x2000));
      case 8 -> { // a stretch of a secret, 3 characters or more, in any case, maybe reversed
        int from = rnd.nextInt(secret.length() - 3);
        String piece = secret.substring(from, from + 3 + rnd.nextInt(secret.length() - from - 2));
        yield rnd.nextBoolean() ? piece : new StringBuilder(piece).reverse().toString();
      }
      case 9 -> mixedCase(rnd, secret);
      case 10 -> { // cut by an escape, as JSON prints it
        int at = 1 + rnd.nextInt(secret.length() - 1);
        yield secret.substring(0, at)
            + List.of("\\n", "\\u0000", "\\\"", "\\\\").get(rnd.nextInt(4))
            + secret.substring(at);
      }
      case 11 -> {
        String b64 = Base64.getEncoder().encodeToString(("{\"k\":\"" + secret).getBytes(UTF_8));
        int from = rnd.nextInt(b64.length() / 2);
        yield b64.substring(from, from + rnd.nextInt(b64.length() - from));
      }
      case 12 -> {
        String hex = HexFormat.of().formatHex(secret.getBytes(UTF_8));
        int from = rnd.nextInt(hex.length() / 2);
        yield hex.substring(from, from + rnd.nextInt(hex.length() - from));
      }
      default -> {
        StringBuilder sb = new StringBuilder();
        String alphabet = "ABCDEFabcdef0123456789xyzXYZ-_+/ ";
        for (int n = rnd.nextInt(30); n > 0; n--) {
          sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        yield sb.toString();
      }
    };
  }

  private static String mixedCase(SplittableRandom rnd, String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      sb.append(rnd.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
    }
    return sb.toString();
  }

  @Test
  void thePreCheckSaysTextMayBeRedactedExactlyWhenTheRedactorChangesIt() {
    long seed = dev.grove.testing.Seeds.of("SecretsTest pre-check", 11);
    SplittableRandom rnd = new SplittableRandom(seed);
    List<String> values =
        List.of(KEY, "ghp_Zx1Cv2Bn3Mm4Lk5Jh6Qw7Er8", "correcthorsebattery", "Pw0Pw9Pw8Pw7Pw6");
    for (Secrets secrets :
        List.of(SECRETS, Secrets.values(values), Secrets.values(List.of("correcthorsebattery")))) {
      int changed = 0;
      for (int t = 0; t < 3000; t++) {
        StringBuilder sb = new StringBuilder();
        for (int n = rnd.nextInt(12); n > 0; n--) {
          sb.append(fragment(rnd, values));
        }
        String text = sb.toString();
        boolean redacted = !secrets.redact(text).equals(text);
        changed += redacted ? 1 : 0;
        String around = "x".repeat(rnd.nextInt(3)) + text + "y".repeat(rnd.nextInt(3));
        int from = around.indexOf(text);
        assertThat(secrets.mayRedact(around.toCharArray(), from, from + text.length()))
            .as("seed %d: %s", seed, text)
            .isEqualTo(redacted);
      }
      assertThat(changed).as("texts the redactor changed").isBetween(300, 2900);
    }
    char[] none = KEY.toCharArray();
    assertThat(Secrets.none().mayRedact(none, 0, none.length)).isFalse();
  }
}
