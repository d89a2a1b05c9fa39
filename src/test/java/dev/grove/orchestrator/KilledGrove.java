package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * grove's command line in a process of its own (this test's class path), halted the moment it
 * reaches a {@link CrashPoint} — what {@code kill -9} leaves — with {@code GROVE_HOME} under the
 * test's directory; its output goes to {@code killed.log} there, shown if it did not die so.
 */
final class KilledGrove {
  private KilledGrove() {}

  static void at(Path tmp, String point, String... args) throws IOException, InterruptedException {
    at(tmp, point, List.of(), args);
  }

  static void at(Path tmp, String point, List<String> jvmOptions, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.grove.cli.Main"));
    command.addAll(List.of(args));
    Path log = tmp.resolve("killed.log");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("GROVE_HOME", tmp.resolve("grove-home").toString());
    pb.environment().put("GROVE_CRASH_AT", point);
    Process p = pb.start();
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("grove ended").isTrue();
    assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(137);
  }
}
