package dev.grove.cli;

import dev.grove.fs.FileTree;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training run of the launcher's start-up cache: the short commands a user types, run
 * in-process with their output thrown away, so that the JVM records the classes they load (and how
 * they run) in an AOT cache ({@code java -XX:AOTCacheOutput=… -cp grove.jar
 * dev.grove.cli.Training}). It touches nothing but a temporary directory of its own: no repository,
 * no network, no model.
 */
final class Training {
  private Training() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("grove-training-");
    try {
      run(dir);
    } finally {
      deleteTree(dir);
    }
    System.exit(0); // as grove ends
  }

  /**
   * A session of two lanes with a label and a tool call, written as text: writing it through grove
   * would put the classes that write in the cache, and every start loads all that the cache holds.
   */
  private static final String SESSION =
      """
      {"type":"session","version":1,"id":"0193a4c2-0000-7000-8000-000000000001","createdAt":"2026-11-24T12:00:00Z","cwd":"/repo"}
      {"type":"message","id":"a0000001","parentId":null,"ts":"2026-11-24T12:00:01Z","lane":"main","role":"user","content":"Fix the login bug"}
      {"type":"message","id":"a0000002","parentId":"a0000001","ts":"2026-11-24T12:00:02Z","lane":"main","role":"assistant","content":"Let me read it.","toolCalls":[{"id":"c1","name":"read_file","arguments":{"path":"Login.java"}}]}
      {"type":"message","id":"a0000003","parentId":"a0000002","ts":"2026-11-24T12:00:03Z","lane":"main","role":"tool","toolCallId":"c1","content":"class Login {}"}
      {"type":"message","id":"a0000004","parentId":"a0000001","ts":"2026-11-24T12:00:04Z","lane":"try-1","role":"assistant","content":"Another way."}
      {"type":"label","id":"a0000005","parentId":"a0000001","ts":"2026-11-24T12:00:05Z","lane":"try-1","targetId":"a0000001","label":"start"}
      """;

  /** Runs the commands in {@code dir}; returns their exit codes, in order. */
  static List<Integer> run(Path dir) {
    List<Integer> codes = new ArrayList<>();
    Path session = dir.resolve("training.jsonl");
    try {
      Files.writeString(session, SESSION);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the training session " + session, e);
    }
    String file = session.toString();
    // what most starts are: the version, and the session commands that read a run, as typed.
    // Left out: help (which builds every command), the commands that write, and those that print
    // JSON (show, --json), which need most of Jackson: what the cache holds is loaded at every
    // start, so what only some commands need costs every start (Jackson's 470 classes: ~80 ms of
    // CPU on session leaves, measured)
    codes.add(grove(dir, "--version"));
    codes.add(grove(dir, "session", "leaves", file));
    codes.add(grove(dir, "session", "tree", file));
    codes.add(grove(dir, "session", "context", file, "--lane", "main"));
    codes.add(grove(dir, "session", "tree", dir.resolve("missing.jsonl").toString()));
    return codes;
  }

  private static int grove(Path dir, String... args) {
    OutputStream none = OutputStream.nullOutputStream();
    return new Main(Context.writingTo(none, none, StandardCharsets.UTF_8, Map.of(), dir, false))
        .run(args);
  }

  private static void deleteTree(Path dir) {
    try {
      FileTree.delete(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the training directory " + dir, e);
    }
  }
}
