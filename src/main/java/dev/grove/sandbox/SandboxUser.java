package dev.grove.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Who commands are inside the sandbox: uid and gid 65534 ("nobody"), whoever runs grove. Under root
 * this takes the capabilities of uid 0 inside the user namespace away from every program the
 * command starts (and what checks for root inside sees a user). The host still counts the command
 * as grove's own uid (the namespace maps 65534 to it), which is what lets it write the worktree;
 * under root that is uid 0, whose kernel checks are met by read-only mounts ({@link KernelFiles})
 * and the {@link Seccomp} filter, and whose owner permissions by hiding root's secret files ({@link
 * #rootOnlySecrets}).
 *
 * <p>Programs that ask the user database for their home directory (the JVM's {@code user.home}, and
 * with it Maven's and Gradle's caches) would get nobody's {@code /nonexistent}: inside, /etc/passwd
 * is the host's with that one entry pointing at the sandbox's home.
 */
final class SandboxUser {
  static final int UID = 65534;
  static final int GID = 65534;
  private static final long MAX_PASSWD = 4 << 20;

  private SandboxUser() {}

  /**
   * Files on the host that only root may read and that hold secrets: hidden from every command,
   * because when grove runs as root the files of the command are still root's on the host (see the
   * class comment), and owner permissions let root's own files be read without any capability.
   */
  static List<Path> rootOnlySecrets() {
    List<Path> secrets =
        new ArrayList<>(
            Stream.of(
                    "/etc/shadow",
                    "/etc/shadow-",
                    "/etc/gshadow",
                    "/etc/gshadow-",
                    "/etc/security/opasswd",
                    "/etc/sudoers",
                    "/etc/sudoers.d")
                .map(Path::of)
                .toList());
    try (Stream<Path> ssh = Files.list(Path.of("/etc/ssh"))) {
      ssh.filter(p -> p.getFileName().toString().matches("ssh_host_.*_key")).forEach(secrets::add);
    } catch (IOException e) {
      // no host keys here
    }
    return secrets;
  }

  /** bwrap's options that make the command this user. */
  static List<String> bwrapArgs() {
    return List.of("--uid", Integer.toString(UID), "--gid", Integer.toString(GID));
  }

  /**
   * {@code passwd} (the host's /etc/passwd) with the sandbox user's entry set to {@code home} and a
   * shell, or empty when there is no such file or {@code home} cannot be written into one.
   */
  static Optional<byte[]> passwd(Path passwd, Path home) {
    String h = home.toString();
    if (h.contains(":") || h.contains("\n")) {
      return Optional.empty();
    }
    List<String> lines;
    try {
      if (!Files.isRegularFile(passwd) || Files.size(passwd) > MAX_PASSWD) {
        return Optional.empty();
      }
      lines = Files.readAllLines(passwd, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    List<String> out = new ArrayList<>();
    String name = "nobody";
    String gecos = "nobody";
    for (String line : lines) {
      String[] f = line.split(":", -1);
      if (f.length == 7 && f[2].equals(Integer.toString(UID))) {
        name = f[0];
        gecos = f[4];
      } else {
        out.add(line);
      }
    }
    out.add(
        String.join(
            ":", name, "x", Integer.toString(UID), Integer.toString(GID), gecos, h, "/bin/sh"));
    return Optional.of((String.join("\n", out) + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
