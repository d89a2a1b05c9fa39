package dev.grove.adversarial;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static dev.grove.adversarial.OpenAiStub.args;
import static dev.grove.adversarial.OpenAiStub.completion;
import static dev.grove.adversarial.OpenAiStub.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.adversarial.Hostile.Cli;
import dev.grove.adversarial.Hostile.Shop;
import dev.grove.adversarial.OpenAiStub.Agent;
import dev.grove.session.SessionStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues 9 and 15, a model server that is hostile rather than wrong, speaking OpenAI's wire format
 * on loopback: an orchestrator model that gives its agent {@code verify: "true"} to get past the
 * user's check and writes a lone surrogate (which no encoder writes; it once ended a run); coding
 * agents' replies of 100,000 tool calls, of 40,000 small ones, of 20 MB, and one dripped a byte a
 * second. One lane may fail; the run goes on, the user's check holds, nothing is left running and
 * the session stays valid.
 */
class HostileModelRunTest {
  static final String LONE = "\\ud800";
  @TempDir Path tmp;

  static Map<String, String> lanes(JsonNode status) {
    Map<String, String> out = new HashMap<>();
    status
        .path("lanes")
        .forEach(
            l ->
                out.put(
                    l.path("lane").asText(),
                    l.path("state").asText() + ": " + l.path("detail").asText()));
    return out;
  }

  /**
   * Processes this JVM had started before the test (other tests' are not this run's to answer for).
   */
  final java.util.Set<Long> before =
      ProcessHandle.current()
          .descendants()
          .map(ProcessHandle::pid)
          .collect(java.util.stream.Collectors.toSet());

  void assertNothingLeftRunning(JsonNode status) {
    assertThat(status.path("state").asText()).isEqualTo("finished");
    assertThat(status.path("resumable").asBoolean()).isFalse();
    assertThat(
            ProcessHandle.current()
                .descendants()
                .filter(p -> p.isAlive() && !before.contains(p.pid()))
                .map(p -> p.info().commandLine().orElse("?")))
        .as("processes grove left running")
        .isEmpty();
  }

  @Test
  void anOrchestratorModelCannotReplaceTheUsersVerifyAndALoneSurrogateStopsNothing()
      throws Exception {
    Shop shop = Shop.create(tmp);
    try (OpenAiStub model = new OpenAiStub()) {
      Hostile.write(shop.groveHome().resolve("config.toml"), "[model.retry]\nmax-attempts = 1\n");
      model
          .turn(
              Agent.ORCHESTRATOR,
              null,
              message(
                      "Planning LONE now",
                      "c1",
                      "spawn_agent",
                      args("slug", "notes", "task", "write the notes LONE", "verify", "true"))
                  .replace("LONE", LONE))
          .turn(Agent.ORCHESTRATOR, "c1", message(null, "c2", "wait", args("slug", "notes")))
          .turn(
              Agent.ORCHESTRATOR,
              "c2",
              message(null, "c3", "open_pull_request", args("slug", "notes")))
          .turn(
              Agent.ORCHESTRATOR,
              "c3",
              message(null, "c4", "finish", args("summary", "done LONE")).replace("LONE", LONE))
          .turn(
              Agent.CODER,
              null,
              message(
                      "Writing LONE",
                      "w1",
                      "write_file",
                      args("path", "NOTES.md", "content", "notes LONE\n"))
                  .replace("LONE", LONE))
          .turn(
              Agent.CODER,
              "w1",
              message(null, "w2", "finish", args("summary", "wrote LONE")).replace("LONE", LONE));
      Cli.Result r =
          shop.cli()
              .run(
                  "run",
                  "--plan",
                  "write the notes",
                  "--model",
                  "openai:gpt-4.1",
                  "--base-url",
                  model.baseUrl(),
                  "--verify",
                  "sh run-tests.sh DiscountTest",
                  "--json");
      JsonNode st = Scripted.JSON.readTree(r.out());
      assertThat(lanes(st))
          .as(r.toString())
          .hasSize(1)
          .hasEntrySatisfying(
              "notes",
              s ->
                  assertThat(s)
                      .startsWith("failed: verification failed: `sh run-tests.sh DiscountTest`"));
      assertThat(Hostile.GIT.run(shop.remote(), List.of("branch", "--list", "task/*")).out())
          .isEmpty();
      Path session = Path.of(st.path("file").asText());
      assertThat(SessionStore.validate(session).problems()).isEmpty();
      assertThat(Hostile.read(session)).contains("write the notes \ufffd", "notes \ufffd");
      assertNothingLeftRunning(st);
    }
  }

  /** 100,000 calls: a 7 MB reply, over the 4 MB cap. */
  static String flood(int calls, String name, String arguments) {
    StringBuilder sb =
        new StringBuilder("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[");
    for (int i = 0; i < calls; i++) {
      sb.append(i == 0 ? "" : ",")
          .append("{\"id\":\"k")
          .append(i)
          .append("\",\"type\":\"function\",\"function\":{\"name\":\"")
          .append(name)
          .append("\",\"arguments\":\"")
          .append(arguments)
          .append("\"}}");
    }
    return completion(sb.append("]}").toString());
  }

  @Test
  void floodsAndOversizeRepliesFailOrCapTheirOwnLaneAndTheRunGoesOn() throws Exception {
    Shop shop = Shop.create(tmp);
    try (OpenAiStub model = new OpenAiStub()) {
      Hostile.write(
          shop.groveHome().resolve("config.toml"),
          "[model]\ntimeout = \"2m\"\n[model.retry]\nmax-attempts = 1\n");
      String finish = message(null, "f1", "finish", args("summary", "done"));
      model
          .turnFor(
              "flood",
              null,
              okJson(flood(100_000, "read_file", "{\\\"path\\\":\\\"README.md\\\"}")))
          .turnFor(
              "many", null, okJson(flood(40_000, "read_file", "{\\\"path\\\":\\\"README.md\\\"}")))
          .turnFor("many", "k0", okJson(completion(finish)))
          .turnFor("huge", null, okJson(completion(message("x".repeat(20 << 20)))))
          .turnFor(
              "fine",
              null,
              okJson(
                  completion(
                      message(
                          null,
                          "w1",
                          "write_file",
                          args("path", "NOTES.md", "content", "notes\n")))))
          .turnFor("fine", "w1", okJson(completion(finish)));
      Path tasks =
          Hostile.write(
              tmp.resolve("tasks.json"),
              """
          [{"slug": "flood", "task": "flood"}, {"slug": "many", "task": "many"}, {"slug": "huge", "task": "huge"},
           {"slug": "fine", "task": "fine"}]
          """);
      Cli.Result r =
          shop.cli()
              .run(
                  "run",
                  "--tasks",
                  tasks.toString(),
                  "--model",
                  "openai:gpt-4.1",
                  "--base-url",
                  model.baseUrl(),
                  "--parallel",
                  "4",
                  "--json");
      JsonNode st = Scripted.JSON.readTree(r.out());
      Map<String, String> lanes = lanes(st);
      assertThat(lanes.get("flood")).as(r.toString()).startsWith("failed").contains("4 MB");
      assertThat(lanes.get("huge")).startsWith("failed").contains("4 MB");
      assertThat(lanes.get("many"))
          .startsWith("finished: done"); // nothing to ship: it changed no file
      assertThat(lanes.get("fine")).startsWith("shipped");
      Path session = Path.of(st.path("file").asText());
      assertThat(SessionStore.validate(session).problems()).isEmpty();
      var many = Hostile.toolResults(session, "many").values();
      assertThat(many.stream().filter(t -> t.callId().startsWith("k") && !t.error()))
          .as("calls run of 40,000")
          .hasSize(64);
      assertThat(many.stream().filter(t -> t.content().contains("at most 64 tool calls")))
          .hasSize(1);
      assertNothingLeftRunning(st);
    }
  }

  @Test
  void aModelServerDrippingItsReplyFailsItsLaneAtTheDeadline() throws Exception {
    Shop shop = Shop.create(tmp);
    try (OpenAiStub model = new OpenAiStub()) {
      Hostile.write(
          shop.groveHome().resolve("config.toml"),
          "[model]\ntimeout = \"2s\"\n[model.retry]\nmax-attempts = 1\n");
      model.turn(
          Agent.ANY,
          null,
          aResponse()
              .withStatus(200)
              .withHeader("Content-Type", "application/json")
              .withBody(completion(message("slow")))
              .withChunkedDribbleDelay(300, 300_000)); // a byte a second, after the headers
      Cli.Result r =
          shop.cli()
              .run(
                  "run",
                  "slow",
                  "--model",
                  "openai:gpt-4.1",
                  "--base-url",
                  model.baseUrl(),
                  "--json");
      JsonNode st = Scripted.JSON.readTree(r.out());
      assertThat(lanes(st).get("slow")).as(r.toString()).startsWith("failed").contains("within 2s");
      assertNothingLeftRunning(st);
    }
  }
}
