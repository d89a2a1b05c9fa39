package dev.grove.bench;

import dev.grove.secrets.Secrets;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How long {@link Secrets#redact} (and its pre-check, {@link Secrets#mayRedact}) takes on a 1 MB
 * model reply, with the secrets of a typical environment (two model keys, three forge tokens, five
 * other secret-looking variables), and how long making the redactor takes. A program, not a test
 * ({@code grove bench secrets}): it prints the median and the spread (min–max) of 41 runs after 20
 * for warming up.
 */
public final class SecretsBenchmark {
  private final PrintWriter out;

  public SecretsBenchmark(PrintWriter out) {
    this.out = out;
  }

  public void run() {
    SplittableRandom random = new SplittableRandom(7);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("OPENAI_API_KEY", "sk-proj-" + token(random, 48));
    env.put("ANTHROPIC_API_KEY", "sk-ant-api03-" + token(random, 95));
    env.put("GITHUB_TOKEN", "ghp_" + token(random, 36));
    env.put("GITLAB_TOKEN", "glpat-" + token(random, 20));
    env.put("GITEA_TOKEN", token(random, 40));
    for (String n :
        List.of("AWS_SECRET_ACCESS_KEY", "NPM_TOKEN", "DB_PASSWORD", "SENTRY_SECRET", "CI_PAT")) {
      env.put(n, token(random, 32));
    }
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");

    long t0 = System.nanoTime();
    Secrets secrets = Secrets.of(env, List.of());
    double buildMs = (System.nanoTime() - t0) / 1e6;
    double[] builds = new double[41];
    for (int i = 0; i < builds.length; i++) {
      long t = System.nanoTime();
      secrets = Secrets.of(env, List.of());
      builds[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(builds);

    String clean = reply(random, 1 << 20, null);
    String echoing = reply(random, 1 << 20, env.get("OPENAI_API_KEY"));
    out.printf(
        "grove secrets benchmark — %d secrets, Java %s, %d cores%n",
        env.size() - 1,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    out.printf(
        "build: %.2f ms the first time (cold), then %.2f ms median (%.2f–%.2f)%n",
        buildMs, builds[builds.length / 2], builds[0], builds[builds.length - 1]);
    measure("1 MB reply, no secret in it", secrets, clean);
    measure("1 MB reply echoing a key 100 times", secrets, echoing);
    char[] chars = clean.toCharArray();
    measureCheck("pre-check (mayRedact) of the 1 MB reply with no secret in it", secrets, chars);
    measureCheck(
        "the same with one secret (OPENAI_API_KEY alone)",
        Secrets.values(List.of(env.get("OPENAI_API_KEY"))),
        chars);
    out.flush();
  }

  private void measureCheck(String what, Secrets secrets, char[] text) {
    int sink = 0;
    double[] ms = new double[61];
    for (int i = -20; i < ms.length; i++) {
      long t = System.nanoTime();
      sink += secrets.mayRedact(text, 0, text.length) ? 1 : 2;
      if (i >= 0) {
        ms[i] = (System.nanoTime() - t) / 1e6;
      }
    }
    Arrays.sort(ms);
    out.printf(
        "%s: %.2f ms median (%.2f–%.2f)%s%n",
        what, ms[ms.length / 2], ms[0], ms[ms.length - 1], sink == 0 ? "!" : "");
  }

  private void measure(String what, Secrets secrets, String text) {
    int sink = 0;
    for (int i = 0; i < 20; i++) {
      sink += secrets.redact(text).length();
    }
    double[] ms = new double[41];
    for (int i = 0; i < ms.length; i++) {
      long t = System.nanoTime();
      sink += secrets.redact(text).length();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    out.printf(
        "%s: %.2f ms median (%.2f–%.2f)%s%n",
        what, ms[ms.length / 2], ms[0], ms[ms.length - 1], sink == 0 ? "!" : "");
  }

  private static String token(SplittableRandom random, int n) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /**
   * Prose and code, about {@code size} characters, with {@code key} echoed 100 times when given.
   */
  private static String reply(SplittableRandom random, int size, String key) {
    String[] lines = {
      "The discount was applied twice, so I changed Pricing.discount to subtract it once.\n",
      "    return price - price * percent / 100;\n",
      "commit 4f9a1c0e5e1f7c2a9b7d3e4f5a6b7c8d9e0f1a2b\n",
      "Running `sh run-tests.sh DiscountTest`: 3 tests, 0 failures.\n",
      "{\"path\":\"src/Pricing.java\",\"old\":\"price * percent\",\"new\":\"price - price * percent\"}\n"
    };
    StringBuilder sb = new StringBuilder(size + 200);
    int every = key == null ? Integer.MAX_VALUE : size / 100;
    int next = every;
    while (sb.length() < size) {
      sb.append(lines[random.nextInt(lines.length)]);
      if (sb.length() >= next) {
        sb.append("my key is ").append(key).append('\n');
        next += every;
      }
    }
    return sb.toString();
  }
}
