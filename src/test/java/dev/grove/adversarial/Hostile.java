package dev.grove.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.agent.Agent;
import dev.grove.cli.Context;
import dev.grove.cli.Main;
import dev.grove.git.Git;
import dev.grove.orchestrator.Runs;
import dev.grove.orchestrator.SampleRepository;
import dev.grove.orchestrator.Workbench;
import dev.grove.sandbox.Backend;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the adversarial suite's tests share: grove's secrets (made up, realistic), the demo
 * repository with its bare remote, the CLI run in-process, a planted program that leaves a marker
 * on the host, and the checks that no secret shows up in what grove writes.
 */
final class Hostile {
  static final String OPENAI_KEY = "sk-test-Zq8Rv3Xn7Kp2Lw9Tb4Hy6Md1Fc5Gs0JaQe";
  static final String GITHUB_TOKEN = "ghp_Vn4Tq8Wz2Rk7Lp3Xb9Hc6Md1Fy5Gs0JaQeUw";
  static final List<String> SECRETS = List.of(OPENAI_KEY, GITHUB_TOKEN);
  static final Git GIT = new Git(Map.of());
  static final Map<String, String> WHO =
      Map.of(
          "GIT_AUTHOR_NAME",
          "Ada",
          "GIT_AUTHOR_EMAIL",
          "ada@example.com",
          "GIT_COMMITTER_NAME",
          "Ada",
          "GIT_COMMITTER_EMAIL",
          "ada@example.com");

  private Hostile() {}

  /** The demo repository ({@code dir/shop}) and its bare remote ({@code dir/shop-origin.git}). */
  record Shop(Path dir, Path repo, Path remote) {
    static Shop create(Path dir) {
      SampleRepository.Made made = SampleRepository.create(dir, GIT);
      return new Shop(dir, made.repo(), made.remote());
    }

    Path groveHome() {
      return dir.resolve("grove-home");
    }

    Path runs() {
      return Runs.dir(repo);
    }

    /** git in the main checkout, as the user runs it (identity given). */
    String git(String... args) {
      return GIT.run(repo, List.of(args), WHO).out();
    }

    /** The CLI in the main checkout with grove's secrets in its environment. */
    Cli cli() {
      Cli cli = new Cli(repo);
      cli.env.put("GROVE_HOME", groveHome().toString());
      cli.env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      cli.env.put("OPENAI_API_KEY", OPENAI_KEY);
      cli.env.put("GITHUB_TOKEN", GITHUB_TOKEN);
      return cli;
    }

    /** grove's environment for a run through the API: the PATH, and grove's secrets. */
    Map<String, String> env() {
      Map<String, String> env = new HashMap<>();
      env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      env.put("GROVE_HOME", groveHome().toString());
      env.put("OPENAI_API_KEY", OPENAI_KEY);
      env.put("GITHUB_TOKEN", GITHUB_TOKEN);
      return env;
    }

    /**
     * The workbench a run works with: real bubblewrap, homes under the test's directory, a setup
     * command or null.
     */
    Workbench workbench(String modelSpec, String setup) {
      return Workbench.open(
          new Workbench.Settings(
              repo,
              groveHome(),
              dir.resolve("home"),
              env(),
              Clock.systemUTC(),
              Backend.BUBBLEWRAP,
              modelSpec,
              null,
              Agent.Limits.defaults(),
              null,
              setup));
    }

    /**
     * A commit of these files on main, made by a teammate and pushed, as a plain {@code git pull}
     * brings it.
     */
    void teammateCommits(String message, Map<String, String> files) {
      Path clone = dir.resolve("teammate-" + System.nanoTime());
      GIT.run(dir, List.of("clone", "-q", remote.toString(), clone.toString()));
      files.forEach((path, content) -> write(clone.resolve(path), content));
      GIT.run(clone, List.of("add", "-f", "-A"));
      GIT.run(clone, List.of("commit", "-q", "-m", message), WHO);
      GIT.run(clone, List.of("push", "-q", "origin", "main"));
      git("pull", "-q", "--no-rebase", "origin", "main");
    }

    /**
     * Everything grove wrote for this repository: its run files, and every object of it and its
     * remote.
     */
    String everythingGroveWrote() {
      StringBuilder all = new StringBuilder();
      if (Files.isDirectory(runs())) {
        try (Stream<Path> files = Files.list(runs())) {
          for (Path f : files.filter(Files::isRegularFile).toList()) {
            all.append(Files.readString(f, StandardCharsets.UTF_8));
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      for (Path r : List.of(repo, remote)) {
        // every object, read raw (a log with patches would read an agent's .gitmodules)
        all.append(GIT.run(r, List.of("cat-file", "--batch-all-objects", "--batch")).stdout());
      }
      return all.toString();
    }
  }

  /** The grove CLI in-process, with captured output, a working directory and an environment. */
  static final class Cli {
    record Result(int exit, String out, String err) {
      String all() {
        return out + err;
      }

      @Override
      public String toString() {
        return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
      }
    }

    final Path cwd;
    final Map<String, String> env = new HashMap<>();

    Cli(Path cwd) {
      this.cwd = cwd;
    }

    Result run(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      Context ctx =
          new Context(
              new PrintWriter(out, true),
              new PrintWriter(err, true),
              Map.copyOf(env),
              cwd,
              Clock.systemUTC(),
              true,
              false);
      int code = new Main(ctx).run(args);
      Result r = new Result(code, out.toString(), err.toString());
      assertNoSecretIn("the output of grove " + String.join(" ", args), r.all());
      return r;
    }
  }

  /**
   * A program an agent plants for host-side tools to run: it appends that it ran, and its
   * environment, to {@code marker}. A test that finds the marker has found host code execution (and
   * sees what leaked).
   */
  static String evilScript(Path marker) {
    return "#!/bin/sh\n{ echo \"ran: $0 $*\"; env; } >> '" + marker + "'\ncat\n";
  }

  /**
   * Fails when {@code text} holds a secret: whole, in either case, ROT13'd past the redactor, or in
   * Base64.
   */
  static void assertNoSecretIn(String where, String text) {
    String folded = text.toLowerCase(Locale.ROOT);
    for (String secret : SECRETS) {
      for (String form : forms(secret)) {
        assertThat(folded.contains(form.toLowerCase(Locale.ROOT)))
            .as("%s holds a secret (as %s)", where, form.equals(secret) ? "itself" : form)
            .isFalse();
      }
    }
  }

  /** The forms a leak takes: the secret, ROT13 (which no redactor looks for), and Base64. */
  static List<String> forms(String secret) {
    List<String> out = new ArrayList<>(List.of(secret, rot13(secret)));
    out.add(
        Base64.getEncoder()
            .withoutPadding()
            .encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
    return out;
  }

  static String rot13(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      sb.append(
          c >= 'a' && c <= 'z'
              ? (char) ('a' + (c - 'a' + 13) % 26)
              : c >= 'A' && c <= 'Z' ? (char) ('A' + (c - 'A' + 13) % 26) : c);
    }
    return sb.toString();
  }

  /**
   * A shell command that writes what an agent can see of grove's secrets past any redaction: ROT13.
   */
  static String dumpRot13(String what, String into) {
    return "{ " + what + "; } 2>&1 | tr 'A-Za-z' 'N-ZA-Mn-za-m' >> " + into;
  }

  /** A tool's answer as the session recorded it. */
  record ToolResult(String callId, boolean error, String content) {}

  /** The tool results of a lane, by call id, in the order the session file holds them. */
  static Map<String, ToolResult> toolResults(Path session, String lane) {
    Map<String, ToolResult> out = new java.util.LinkedHashMap<>();
    for (String line : read(session).split("\n")) {
      try {
        com.fasterxml.jackson.databind.JsonNode e = Scripted.JSON.readTree(line);
        if (e.path("lane").asText().equals(lane) && e.path("role").asText().equals("tool")) {
          String id = e.path("toolCallId").asText();
          out.put(
              id, new ToolResult(id, e.path("isError").asBoolean(), e.path("content").asText()));
        }
      } catch (IOException notJson) {
        throw new UncheckedIOException(notJson);
      }
    }
    return out;
  }

  static Path write(Path file, String content) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path executable(Path file, String content) {
    write(file, content);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
