package dev.grove.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.secrets.Secrets;
import dev.grove.session.catalog.Places;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The dashboard's Sessions view over HTTP on loopback: {@code FILES} small pi sessions and one pi
 * session of {@code ENTRIES} entries in the usual places under a temporary home. Measures the list
 * (index cold, then unchanged), a search, and opening the large session: its tree the first time
 * (conversion into GROVE_HOME/imports included) and later, a page of 200 previews, the context at
 * its last entry. A program, not a test:
 *
 * <pre>
 * mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     dev.grove.web.DashboardSessionsBenchmark [FILES] [ENTRIES]
 * </pre>
 *
 * Prints the median and the spread (min–max) of 7 requests after 2 for warming up.
 */
public final class DashboardSessionsBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RUNS = 7;

  private DashboardSessionsBenchmark() {}

  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int entries = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    Path dir = Files.createTempDirectory("grove-dashboard-sessions-bench");
    Path home = dir.resolve("home");
    Path sessions = home.resolve(".pi/agent/sessions");
    for (int f = 0; f < files; f++) {
      write(sessions.resolve("--home-ada-p" + (f % 40) + "--/s" + f + ".jsonl"), f, 20);
    }
    Path big = sessions.resolve("--home-ada-big--/big.jsonl");
    write(big, files, entries);
    Runtime rt = Runtime.getRuntime();
    System.out.printf(
        Locale.ROOT,
        "dashboard sessions benchmark — %s, %d cores, load %.2f; %,d small pi files, one of %,d"
            + " entries (%.0f MB)%n",
        Runtime.version(),
        rt.availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        files,
        entries,
        Files.size(big) / 1e6);
    try (Dashboard d =
        Dashboard.start(
            new Dashboard.Settings(
                "127.0.0.1",
                0,
                dir.resolve("grove-home"),
                List.of(),
                Secrets.none(),
                null,
                repo -> {
                  throw new IllegalStateException("no repositories");
                },
                Places.usual(home, Map.of())))) {
      HttpClient http = HttpClient.newHttpClient();
      long t0 = System.nanoTime();
      JsonNode list = get(http, d, "/api/sessions?limit=1000");
      System.out.printf(
          Locale.ROOT, "list, index cold:          %8.1f ms%n", (System.nanoTime() - t0) / 1e6);
      String key = null;
      for (JsonNode s : list.path("sessions")) {
        if (s.path("file").asText().equals(big.toString())) {
          key = s.path("key").asText();
        }
      }
      System.out.println("list, unchanged:           " + time(http, d, "/api/sessions?limit=1000"));
      System.out.println("search (one file says it): " + time(http, d, "/api/sessions?q=needle"));
      long t1 = System.nanoTime();
      JsonNode tree = get(http, d, "/api/sessions/" + key + "/tree");
      System.out.printf(
          Locale.ROOT,
          "tree, first (converts):    %8.1f ms, %,d nodes%n",
          (System.nanoTime() - t1) / 1e6,
          tree.path("count").asInt());
      System.out.println(
          "tree, later:               " + time(http, d, "/api/sessions/" + key + "/tree"));
      StringJoiner ids = new StringJoiner(",");
      int mid = tree.path("count").asInt() / 2;
      for (int i = mid; i < mid + 200; i++) {
        ids.add(tree.path("ids").get(i).asText());
      }
      System.out.println(
          "200 previews:              "
              + time(http, d, "/api/sessions/" + key + "/entries?ids=" + ids));
      String last = tree.path("ids").get(tree.path("count").asInt() - 1).asText();
      System.out.println(
          "context at the last entry: "
              + time(http, d, "/api/sessions/" + key + "/entries/" + last + "/context"));
    }
  }

  /** A pi v3 session: a header, then user and assistant messages in one chain. */
  private static void write(Path file, int seed, int entries) throws IOException {
    Files.createDirectories(file.getParent());
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      w.write(
          "{\"type\":\"session\",\"version\":3,\"id\":\"s"
              + seed
              + "\",\"timestamp\":\"2026-11-01T10:00:00.000Z\",\"cwd\":\"/home/ada/p\"}\n");
      String parent = "null";
      for (int i = 0; i < entries; i++) {
        String id = String.format(Locale.ROOT, "%08x", i + 1);
        String role = i % 2 == 0 ? "user" : "assistant";
        String text =
            (seed == 7 && i == 3 ? "the needle is here; " : "")
                + "entry "
                + i
                + " of session "
                + seed
                + ": fix the login check and run the tests again";
        String content =
            role.equals("user")
                ? "\"" + text + "\""
                : "[{\"type\":\"text\",\"text\":\"" + text + "\"}]";
        w.write(
            "{\"type\":\"message\",\"id\":\""
                + id
                + "\",\"parentId\":"
                + parent
                + ",\"timestamp\":\"2026-11-01T10:00:01.000Z\",\"message\":{\"role\":\""
                + role
                + "\",\"content\":"
                + content
                + ",\"timestamp\":1}}\n");
        parent = "\"" + id + "\"";
      }
    }
  }

  private static JsonNode get(HttpClient http, Dashboard d, String path) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(URI.create(d.address() + path))
                .header("Authorization", "Bearer " + d.token())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          path + ": " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
    }
    return JSON.readTree(r.body());
  }

  private static String time(HttpClient http, Dashboard d, String path) throws Exception {
    double[] ms = new double[RUNS];
    for (int i = -2; i < RUNS; i++) {
      long t = System.nanoTime();
      get(http, d, path);
      if (i >= 0) {
        ms[i] = (System.nanoTime() - t) / 1e6;
      }
    }
    Arrays.sort(ms);
    return String.format(
        Locale.ROOT, "median %8.1f ms (min %.1f, max %.1f)", ms[RUNS / 2], ms[0], ms[RUNS - 1]);
  }
}
