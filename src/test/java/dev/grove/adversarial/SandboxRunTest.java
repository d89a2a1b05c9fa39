package dev.grove.adversarial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.adversarial.Hostile.Cli;
import dev.grove.adversarial.Hostile.Shop;
import dev.grove.adversarial.Hostile.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, what an agent's commands reach: the kernel (as root: kernel settings, the sysrq trigger,
 * keys, new user namespaces), files outside its worktree through links its commands leave for
 * grove's file tools (to the main checkout, to another directory, to the home directory; hard
 * links), and the credentials in the repository's git config. Real runs with real bubblewrap; the
 * kernel case also as an ordinary user (grove started through {@code setpriv} as uid 65534).
 */
class SandboxRunTest {
  static final String URL_TOKEN = "ghp_UrlTok3nInTheRemoteQ7w2E9r4T";
  static final String HEADER_TOKEN = "Zk9HeaderTok3nX4c8V1b6N3m5";
  static final Path CORE_PATTERN = Path.of("/proc/sys/kernel/core_pattern");
  @TempDir Path tmp;

  /**
   * Tries to write kernel settings, but only where the kernel already says the file cannot be
   * written ({@code test -w}, which is access(2)) and the mount table says read-only: a write that
   * could succeed is never attempted, it is reported instead ("writable", "not read-only"), and the
   * test fails.
   */
  static final String KERNEL =
      """
      ro() { awk -v f="$1" '{ if ((f == $5 || index(f, $5 "/") == 1) && length($5) > best) { best = length($5); o = $6 } }
        END { exit !(o ~ /(^|,)ro(,|$)/) }' /proc/self/mountinfo; }
      try() {
        if test -w "$1"; then echo "writable: $1"
        elif ! ro "$1"; then echo "not read-only: $1"
        else { printf '%s\\n' "$2" > "$1"; } 2>&1 && echo "WROTE $1" || echo "refused: $1"; fi
      }
      try /proc/sys/kernel/core_pattern '|/worktree/x.sh'
      try /proc/sysrq-trigger h
      perl -e '$r = syscall(250, 0, -3, 1); print "keyctl: $r $!\\n"'
      unshare -U true 2>&1; echo "unshare -U: $?"
      unshare -Ur id 2>&1; echo "unshare -Ur: $?"
      id -u
      """;

  static void assertKernelRefused(String seen) {
    assertThat(seen)
        .doesNotContain("WROTE", "writable:", "not read-only:")
        .contains(
            "refused: /proc/sys/kernel/core_pattern",
            "Read-only file system",
            "refused: /proc/sysrq-trigger")
        .contains("keyctl: -1 Operation not permitted")
        .containsPattern("unshare -U: [1-9]")
        .containsPattern("unshare -Ur: [1-9]")
        .contains("65534");
  }

  @Test
  void rootsCommandsCannotTouchTheKernelAndTheFileToolsNeverLeaveTheWorktree() throws Exception {
    String corePattern = Files.readString(CORE_PATTERN);
    Shop shop = Shop.create(tmp);
    Path main = shop.repo();
    Files.writeString(
        main.resolve("src/Pricing.java"),
        "// MAIN-CHECKOUT-ONLY\n",
        java.nio.file.StandardOpenOption.APPEND);
    Path victim = Files.createDirectories(tmp.resolve("victim"));
    Files.writeString(victim.resolve("secret.txt"), "victim-secret\n");
    // credentials in the repository's git config, where the agent's git would look
    shop.git(
        "remote", "set-url", "origin", "https://ada:" + URL_TOKEN + "@github.com/acme/shop.git");
    shop.git(
        "config",
        "url." + shop.remote() + ".insteadOf",
        "https://ada:" + URL_TOKEN + "@github.com/acme/shop.git");
    shop.git(
        "config", "http.https://github.com/.extraheader", "AUTHORIZATION: basic " + HEADER_TOKEN);
    String before = snapshot(main, victim);

    String spec =
        Scripted.spec(
            tmp.resolve("agent.json"),
            Scripted.anyTask()
                .run("{\n" + KERNEL + "} > kernel.txt 2>&1; cat kernel.txt")
                .run(
                    Hostile.dumpRot13(
                            "env; cat /proc/[0-9]*/environ | tr '\\0' '\\n'", "agent-env.txt")
                        + "; ls -A \"$(git rev-parse --git-common-dir)/grove/sessions\" > runs.txt 2>&1; ls -A "
                        + shop.groveHome()
                        + " >> runs.txt 2>&1; true")
                .run(
                    "{ cat \"$(git rev-parse --git-common-dir)/config\"; git config --list --show-origin; git remote -v; "
                        + "git config --get-urlmatch http.extraheader https://github.com/x; } > gitconfig.txt 2>&1; cat gitconfig.txt")
                .run(
                    "rm -rf src test && ln -s '"
                        + main.resolve("src")
                        + "' src && ln -s '"
                        + victim
                        + "' test"
                        + " && ln -s \"$HOME\" home && ln README.md HARD.md && { ln '"
                        + main.resolve("README.md")
                        + "' MAINHARD.md || true; } && ls -la")
                .turn(
                    Scripted.call("read_file", "path", "src/Pricing.java"),
                    Scripted.call("read_file", "path", "test/secret.txt"),
                    Scripted.call("read_file", "path", "src/Pricing.java", "start_line", "1"),
                    Scripted.call("grep", "pattern", "MAIN-CHECKOUT-[O]NLY|victim-[s]ecret"),
                    Scripted.call("list_files"),
                    Scripted.call("list_files", "path", "home"))
                .turn(
                    Scripted.call(
                        "write_file", "path", "src/Evil.java", "content", "class Evil {}\n"),
                    Scripted.call("write_file", "path", "test/planted.txt", "content", "planted\n"),
                    Scripted.call(
                        "edit_file",
                        "path",
                        "src/Pricing.java",
                        "old",
                        "class",
                        "new",
                        "class Evil"),
                    Scripted.call(
                        "edit_file", "path", "test/secret.txt", "old", "victim", "new", "stolen"),
                    Scripted.call(
                        "write_file", "path", "HARD.md", "content", "through a hard link\n"),
                    Scripted.call(
                        "write_file", "path", "home/.profile", "content", "echo planted\n"))
                .finish("Probed."));
    Cli cli = shop.cli();
    Cli.Result doctor = cli.run("doctor");
    assertThat(doctor.all())
        .contains("remote.origin.url) holds a credential")
        .contains("extraheader) holds a credential")
        .doesNotContain(URL_TOKEN, HEADER_TOKEN);
    // the setup and the verification dump what they can see too (ROT13, past any redaction)
    Cli.Result run =
        cli.run(
            "run",
            "probe everything",
            "--model",
            spec,
            "--json",
            "--setup",
            Hostile.dumpRot13("env", "setup-env.txt"),
            "--verify",
            // the verification runs on the commit that ships, so what it writes is not shipped: it
            // prints it
            Hostile.dumpRot13("env", "verify-env.txt") + " && cat verify-env.txt");
    assertThat(run.err()).contains("holds a credential");
    assertThat(run.all()).doesNotContain(URL_TOKEN, HEADER_TOKEN);
    JsonNode st = Scripted.JSON.readTree(run.out());
    assertThat(st.at("/lanes/0/state").asText()).as(run.toString()).isEqualTo("shipped");

    // the kernel: nothing written, keys and namespaces refused; the host's setting as it was
    String shipped = "task/probe-everything:";
    assertKernelRefused(
        Hostile.GIT.run(shop.remote(), List.of("show", shipped + "kernel.txt")).out());
    assertThat(Files.readString(CORE_PATTERN)).isEqualTo(corePattern);

    // no secret of grove's environment inside: not in the agent's, the setup's or the
    // verification's
    // environment, nor in any process's; the runs and GROVE_HOME are not there to read
    for (String seen : List.of("agent-env.txt", "setup-env.txt")) {
      String dump = Hostile.GIT.run(shop.remote(), List.of("show", shipped + seen)).out();
      assertThat(dump).as(seen).contains(Hostile.rot13("PATH="));
      Hostile.assertNoSecretIn(seen, Hostile.rot13(dump));
    }
    String verified =
        Files.readString(Path.of(st.path("file").asText()))
            .lines()
            .filter(l -> l.contains("\"kind\":\"lane.verified\""))
            .findFirst()
            .orElseThrow();
    String verifyDump = Scripted.JSON.readTree(verified).at("/data/output").asText();
    assertThat(verifyDump).as("verify-env.txt").contains(Hostile.rot13("PATH="));
    Hostile.assertNoSecretIn("verify-env.txt", Hostile.rot13(verifyDump));
    assertThat(Hostile.GIT.run(shop.remote(), List.of("show", shipped + "runs.txt")).out().lines())
        .satisfiesExactly(
            runs -> assertThat(runs).contains("grove/sessions': No such file or directory"),
            groveHome ->
                assertThat(groveHome)
                    .as("GROVE_HOME: only the way to the agent's own worktree")
                    .isEqualTo("worktrees"));
    Hostile.assertNoSecretIn("the runs and commits", shop.everythingGroveWrote());

    // the git config's credentials were not readable inside, and are nowhere grove wrote
    String gitConfig =
        Hostile.GIT.run(shop.remote(), List.of("show", shipped + "gitconfig.txt")).out();
    assertThat(gitConfig).contains("[core]").doesNotContain(URL_TOKEN, HEADER_TOKEN);
    assertThat(shop.everythingGroveWrote()).doesNotContain(URL_TOKEN, HEADER_TOKEN);

    // the file tools read nothing and wrote nothing through the links
    Path session = Path.of(st.path("file").asText());
    List<ToolResult> results =
        List.copyOf(Hostile.toolResults(session, "probe-everything").values());
    assertThat(results.subList(4, 7))
        .as("reads through links out")
        .allSatisfy(r -> assertThat(r.error()).isTrue());
    assertThat(results.get(7).content())
        .as("grep")
        .doesNotContain("MAIN-CHECKOUT-ONLY", "victim-secret");
    String listed = results.get(8).content();
    assertThat(listed.substring(0, listed.indexOf("[skipped")))
        .as("listing")
        .doesNotContain("src/", "test/", "secret.txt");
    assertThat(results.get(9).error()).as("listing through the home link").isTrue();
    assertThat(results.subList(10, 16))
        .as("writes through links")
        .allSatisfy(r -> assertThat(r.error()).isTrue());
    assertThat(Hostile.read(session)).doesNotContain("MAIN-CHECKOUT-ONLY", "victim-secret");
    assertThat(snapshot(main, victim)).isEqualTo(before);
    assertThat(Path.of("/root/.profile"))
        .satisfiesAnyOf(
            p -> assertThat(p).doesNotExist(),
            p -> assertThat(Files.readString(p)).doesNotContain("echo planted"));
  }

  /** The main checkout's files and the victim directory's, with their content. */
  static String snapshot(Path main, Path victim) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (Path root : List.of(main, victim)) {
      try (Stream<Path> all = Files.walk(root)) {
        for (Path p :
            all.filter(p -> !p.toString().contains("/.git/") && Files.isRegularFile(p))
                .sorted()
                .toList()) {
          sb.append(p).append('\n').append(Files.readString(p)).append('\n');
        }
      }
    }
    return sb.toString();
  }

  @Test
  void anOrdinaryUsersCommandsCannotTouchTheKernelEither() throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "the tests run unprivileged already: the test above is this case");
    String corePattern = Files.readString(CORE_PATTERN);
    Path dir = Files.createDirectories(tmp.resolve("nobody"));
    Shop shop = Shop.create(dir);
    String spec =
        Scripted.spec(
            dir.resolve("agent.json"),
            Scripted.anyTask()
                .run("{\n" + KERNEL + "} > kernel.txt 2>&1; cat kernel.txt")
                .finish("Probed."));
    Path home = Files.createDirectories(dir.resolve("home"));
    String cp = ChildGrove.classPathReadableBy(dir.resolve("lib"));
    for (Path p : List.of(tmp, dir)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.toList()) {
        Files.setAttribute(p, "unix:uid", 65534, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", 65534, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      }
    }
    ChildGrove.Result r =
        new ChildGrove()
            .launchedBy(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"))
            .jvmOption("-Duser.home=" + home)
            .classPath(cp)
            .run(
                shop.repo(),
                Map.of(
                    "PATH",
                    System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                    "GROVE_HOME",
                    shop.groveHome().toString(),
                    "OPENAI_API_KEY",
                    Hostile.OPENAI_KEY,
                    "LANG",
                    "C.UTF-8"),
                List.of("run", "probe the kernel", "--model", spec, "--no-ship"));
    assertThat(r.exit()).as(r.toString()).isZero();
    Path worktree;
    try (Stream<Path> found = Files.walk(shop.groveHome().resolve("worktrees"), 2)) {
      worktree =
          found
              .filter(p -> p.getFileName().toString().equals("probe-the-kernel"))
              .findFirst()
              .orElseThrow();
    }
    assertKernelRefused(Files.readString(worktree.resolve("kernel.txt")));
    assertThat(Files.getAttribute(worktree.resolve("kernel.txt"), "unix:uid"))
        .as(
            "the command's file is uid 65534's "
                + "on the host: grove and its sandbox ran as that user")
        .isEqualTo(65534);
    assertThat(Files.readString(CORE_PATTERN)).isEqualTo(corePattern);
    Hostile.assertNoSecretIn("grove's output as uid 65534", r.outText() + r.errText());
  }
}
