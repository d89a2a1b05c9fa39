package dev.grove.adversarial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * grove as its own process: {@code dev.grove.cli.Main} in a child JVM, with the real terminal
 * writer of {@code Context.system()}, an environment of our choosing, optionally a small heap,
 * optionally started as another user ({@code setpriv}). Output is kept as bytes, exactly as a
 * terminal would get it.
 */
final class ChildGrove {
  record Result(int exit, byte[] out, byte[] err) {
    String outText() {
      return new String(out, StandardCharsets.UTF_8);
    }

    String errText() {
      return new String(err, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- out\n" + outText() + "--- err\n" + errText();
    }
  }

  private final List<String> prefix = new ArrayList<>();
  private final List<String> jvm = new ArrayList<>();
  private String classPath = System.getProperty("java.class.path");
  private String mainClass = "dev.grove.cli.Main";

  /** Starts the JVM through {@code command} (e.g. {@code setpriv --reuid=65534 …}). */
  ChildGrove launchedBy(List<String> command) {
    prefix.addAll(command);
    return this;
  }

  ChildGrove jvmOption(String option) {
    jvm.add(option);
    return this;
  }

  ChildGrove classPath(String cp) {
    classPath = cp;
    return this;
  }

  ChildGrove mainClass(String name) {
    mainClass = name;
    return this;
  }

  Result run(Path dir, Map<String, String> env, List<String> args) {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(jvm);
    cmd.addAll(List.of("-cp", classPath, mainClass));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<byte[]> out =
          CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
      CompletableFuture<byte[]> err =
          CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("grove " + args + " did not end within 3 minutes");
      }
      return new Result(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static byte[] readAll(java.io.InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * This JVM's class path made readable by another user: entries in directories they cannot enter
   * (the Maven repository under /root) are hard-linked (or copied) into {@code dir}.
   */
  static String classPathReadableBy(Path dir) {
    List<String> out = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      int n = 0;
      for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
        Path p = Path.of(entry).toAbsolutePath();
        if (Files.isDirectory(p) || !p.startsWith("/root")) {
          out.add(p.toString());
          continue;
        }
        Path copy = dir.resolve((n++) + "-" + p.getFileName());
        try {
          Files.createLink(copy, p);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(p, copy);
        }
        copy.toFile().setReadable(true, false);
        out.add(copy.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return String.join(java.io.File.pathSeparator, out);
  }
}
