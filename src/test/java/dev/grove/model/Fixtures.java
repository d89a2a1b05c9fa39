package dev.grove.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.grove.session.Body;
import dev.grove.session.Role;
import dev.grove.session.ToolCall;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * What the model tests share: a conversation that exercises every mapping, a WireMock server, a
 * fake sleeper.
 */
final class Fixtures {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY = "sk-test-4f9a1c0e5e1f7c2a9b7d3e4f5a6b7c8d";
  static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

  private Fixtures() {}

  /**
   * System, task, an assistant turn of two tool calls and no text, two results (the second failed),
   * a hint.
   */
  static List<Body.Message> conversation() {
    return List.of(
        Body.Message.of(Role.SYSTEM, "You are a coding agent."),
        Body.Message.of(Role.USER, "Fix the login bug"),
        new Body.Message(
            Role.ASSISTANT,
            null,
            List.of(
                new ToolCall("call_1", "read_file", "{\"path\":\"Login.java\"}"),
                new ToolCall("call_2", "run_command", "{\"command\":\"mvn test\"}")),
            null,
            false,
            "x",
            null,
            null),
        Body.Message.toolResult("call_1", "class Login {}", false),
        Body.Message.toolResult("call_2", "exit 1: LoginTest failed", true),
        Body.Message.of(Role.USER, "Hint: the check is inverted"));
  }

  static List<ToolSpec> tools() {
    return List.of(
        new ToolSpec(
            "read_file",
            "Read a file of the worktree.",
            "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\",\"description\":\"relative path\"}},"
                + "\"required\":[\"path\"]}"),
        new ToolSpec("agent_status", "Where every agent is.", null));
  }

  static ModelRequest request() {
    return new ModelRequest(conversation(), tools());
  }

  /** A WireMock server on loopback for a test class, reset before each test. */
  static WireMockExtension wireMock() {
    return WireMockExtension.newInstance()
        .options(
            WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .notifier(new ConsoleNotifier(false)))
        .build();
  }

  static JsonNode body(LoggedRequest r) {
    try {
      return JSON.readTree(r.getBodyAsString());
    } catch (java.io.IOException e) {
      throw new AssertionError("request body is not JSON: " + r.getBodyAsString(), e);
    }
  }

  /** Records the waits instead of sleeping. */
  static final class Sleeps implements Models.Sleeper {
    final List<Duration> waits = new ArrayList<>();

    @Override
    public void sleep(Duration d) {
      waits.add(d);
    }
  }

  static Models.Options options(Sleeps sleeps) {
    return new Models.Options(
        sleeps, Clock.fixed(NOW, ZoneOffset.UTC), new SplittableRandom(42), Path.of("."));
  }

  /**
   * Defaults with a timeout that a loaded CI machine meets, 3 attempts and no jitter, so tests are
   * quick and exact.
   */
  static ModelConfig config() {
    ModelConfig d = ModelConfig.defaults();
    return new ModelConfig(
        d.defaultModel(),
        Duration.ofSeconds(30),
        Optional.empty(),
        new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(2), 0),
        d.providers(),
        d.prices(),
        Optional.empty());
  }

  static ChatModel model(String spec, String baseUrl, Map<String, String> env, Sleeps sleeps) {
    return Models.create(spec, config().withBaseUrl(baseUrl), env, options(sleeps));
  }

  /** Everything an exception shows: message, toString, and the printed stack trace with causes. */
  static String everything(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return t.getMessage() + "\n" + t + "\n" + w;
  }
}
