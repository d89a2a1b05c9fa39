package dev.grove.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.grove.model.ChatModel;
import dev.grove.model.ModelConfig;
import dev.grove.model.Models;
import dev.grove.sandbox.Backend;
import dev.grove.sandbox.SandboxPolicy;
import dev.grove.sandbox.Sandboxes;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Durability;
import dev.grove.session.Entry;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop against a model that is hostile: too many calls in one reply, keys echoed back, a reply
 * that never ends, a conversation grown too large. Real tools, real bubblewrap, a real session
 * file.
 */
class AgentBoundaryTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY = "sk-proj-Xq7Lm2Vt9RbK4sNw8YcE1ZpH6dGf3JaU5oTiQr0Bx";
  static final String TOKEN = "ghp_R2d2C3poBb8Yoda7Luke1Leia9Han0Solo4";
  @TempDir Path tmp;
  Path worktree;
  SessionStore session;
  CodingTools tools;
  WireMockServer openai;

  @BeforeEach
  void setUp() throws IOException {
    worktree = Files.createDirectories(tmp.resolve("wt"));
    AgentTest.copyShop(worktree);
    Path home = Files.createDirectories(tmp.resolve("home"));
    tools =
        new CodingTools(
            new Workspace(worktree),
            Sandboxes.create(
                Backend.BUBBLEWRAP,
                SandboxPolicy.standard(home, home.resolve(".grove")),
                Map.of("PATH", "/usr/bin:/bin")),
            List::of,
            Clock.systemUTC(),
            CodingTools.Options.defaults());
    session =
        SessionStore.create(
            tmp.resolve("s.jsonl"),
            worktree.toString(),
            new SessionStore.Options(Durability.NONE, Clock.systemUTC(), new SplittableRandom(1)));
    openai = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    openai.start();
  }

  @AfterEach
  void tearDown() {
    session.close();
    openai.stop();
  }

  Agent.Outcome run(ChatModel model, Agent.Limits limits, String task) {
    Agent.begin(session, "lane", null, "You are a coding agent.", task);
    return new Agent(
            session,
            "lane",
            model,
            tools,
            Checkpointer.NONE,
            limits,
            Clock.systemUTC(),
            Agent.Listener.NONE)
        .run();
  }

  ChatModel openAi() {
    return Models.create(
        "openai:gpt-4.1",
        ModelConfig.defaults().withBaseUrl(openai.baseUrl() + "/v1"),
        Map.of("OPENAI_API_KEY", KEY, "GITHUB_TOKEN", TOKEN, "PATH", "/usr/bin:/bin"),
        tmp);
  }

  static String completion(ObjectNode message) {
    ObjectNode c =
        JSON.createObjectNode()
            .put("id", "chatcmpl-1")
            .put("object", "chat.completion")
            .put("created", 1764000000)
            .put("model", "gpt-4.1-2025-04-14");
    c.putArray("choices")
        .addObject()
        .put("index", 0)
        .put("finish_reason", "stop")
        .set("message", message);
    c.putObject("usage")
        .put("prompt_tokens", 10)
        .put("completion_tokens", 5)
        .put("total_tokens", 15);
    return c.toString();
  }

  List<Body.Message> messages() {
    List<Body.Message> out = new ArrayList<>();
    for (Entry e : session.contextOfLane("lane")) {
      out.add((Body.Message) e.body());
    }
    return out;
  }

  @Test
  void aReplyOfAHundredThousandToolCallsRunsAtMostTheCapAndTheSessionStaysValid() throws Exception {
    ObjectNode script = JSON.createObjectNode();
    ArrayNode turns = script.putArray("turns");
    ArrayNode calls = turns.addObject().putArray("calls");
    for (int i = 0; i < 100_000; i++) {
      calls.addObject().put("tool", "read_file").putObject("args").put("path", "src/Pricing.java");
    }
    turns
        .addObject()
        .putArray("calls")
        .addObject()
        .put("tool", "finish")
        .putObject("args")
        .put("summary", "done");
    Path file = tmp.resolve("many.json");
    Files.writeString(file, script.toString());

    Agent.Outcome outcome =
        run(
            Models.create("scripted:" + file, ModelConfig.defaults(), Map.of(), tmp),
            Agent.Limits.defaults(),
            "Read the pricing code.");

    assertThat(outcome).isInstanceOf(Agent.Outcome.Finished.class);
    List<Body.Message> m = messages();
    Body.Message turn =
        m.stream().filter(x -> x.role() == Role.ASSISTANT).findFirst().orElseThrow();
    assertThat(turn.toolCalls()).hasSize(Agent.MAX_CALLS_PER_REPLY + 1);
    List<Body.Message> results = m.stream().filter(x -> x.role() == Role.TOOL).toList();
    assertThat(results)
        .hasSize(Agent.MAX_CALLS_PER_REPLY + 2); // 64 run, 1 saying why no more ran, finish
    assertThat(results.subList(0, Agent.MAX_CALLS_PER_REPLY)).noneMatch(Body.Message::isError);
    Body.Message refused = results.get(Agent.MAX_CALLS_PER_REPLY);
    assertThat(refused.isError()).isTrue();
    assertThat(refused.content())
        .startsWith("not run: at most 64 tool calls per reply")
        .contains("made 100000");
    var report = SessionStore.validate(session.file());
    assertThat(report.valid()).isTrue();
    assertThat(report.entries()).isLessThan(200);
  }

  @Test
  void keysEchoedByTheModelNeverReachTheSessionTheWorktreeOrTheSummary() throws Exception {
    String pieces = String.join(" ", KEY.split("(?<=\\G.{7})"));
    String echo =
        "Found it: "
            + KEY
            + " / "
            + pieces
            + " / "
            + KEY.toUpperCase(Locale.ROOT)
            + " / "
            + new StringBuilder(KEY).reverse()
            + " / "
            + Base64.getEncoder().encodeToString(KEY.getBytes(StandardCharsets.UTF_8))
            + " / and the forge's "
            + TOKEN;
    StringBuilder escaped = new StringBuilder();
    KEY.chars().forEach(c -> escaped.append(String.format("\\u%04x", c)));
    ObjectNode first = JSON.createObjectNode().put("role", "assistant").put("content", echo);
    ObjectNode call =
        first.putArray("tool_calls").addObject().put("id", "call_1").put("type", "function");
    call.putObject("function")
        .put("name", "write_file")
        .put(
            "arguments",
            "{\"path\":\"notes.txt\",\"content\":\"key " + escaped + " token " + TOKEN + "\"}");
    ObjectNode second = JSON.createObjectNode().put("role", "assistant");
    ObjectNode finish =
        second.putArray("tool_calls").addObject().put("id", "call_2").put("type", "function");
    finish
        .putObject("function")
        .put("name", "finish")
        .put(
            "arguments",
            JSON.createObjectNode()
                .put("summary", "Done. For the PR: the key is " + KEY.toUpperCase(Locale.ROOT))
                .toString());
    openai.stubFor(
        post(urlPathEqualTo("/v1/chat/completions"))
            .inScenario("s")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(okJson(completion(first)))
            .willSetStateTo("second"));
    openai.stubFor(
        post(urlPathEqualTo("/v1/chat/completions"))
            .inScenario("s")
            .whenScenarioStateIs("second")
            .willReturn(okJson(completion(second))));

    Agent.Outcome outcome = run(openAi(), Agent.Limits.defaults(), "Look for credentials.");

    assertThat(outcome).isInstanceOf(Agent.Outcome.Finished.class);
    String summary = ((Agent.Outcome.Finished) outcome).summary();
    String file = Files.readString(session.file());
    String written = Files.readString(worktree.resolve("notes.txt"));
    assertThat(written).isEqualTo("key [REDACTED] token [REDACTED]");
    for (String where : List.of(file, written, summary)) {
      noPieceOf(KEY.substring("sk-proj-".length()), where);
      noPieceOf(TOKEN.substring("ghp_".length()), where);
    }
    assertThat(file)
        .doesNotContain(
            Base64.getEncoder()
                .encodeToString(KEY.getBytes(StandardCharsets.UTF_8))
                .substring(12, 40));
  }

  /** No 7-character piece of {@code secret}, in any case, forwards or backwards. */
  static void noPieceOf(String secret, String text) {
    String folded = text.toLowerCase(Locale.ROOT);
    String backwards = new StringBuilder(folded).reverse().toString();
    for (int i = 0; i + 7 <= secret.length(); i++) {
      String p = secret.substring(i, i + 7).toLowerCase(Locale.ROOT);
      assertThat(folded).doesNotContain(p);
      assertThat(backwards).doesNotContain(p);
    }
  }

  @Test
  void theTimeLimitEndsAModelCallInFlight() {
    // headers at once, then a body dripped over a minute; the lane has 2 s and the model a 5-minute
    // timeout
    String text =
        completion(JSON.createObjectNode().put("role", "assistant").put("content", "thinking"));
    openai.stubFor(
        post(urlPathEqualTo("/v1/chat/completions"))
            .willReturn(okJson(text + " ".repeat(1200)).withChunkedDribbleDelay(600, 60_000)));

    Agent.Outcome outcome =
        run(openAi(), new Agent.Limits(0, 0, 0, Duration.ofSeconds(2)), "Think.");

    assertThat(outcome).isInstanceOf(Agent.Outcome.Failed.class);
    assertThat(((Agent.Outcome.Failed) outcome).reason()).isEqualTo("reached the time limit (2 s)");
  }

  @Test
  void aConversationOverTheContextCapFailsTheLaneWithoutSendingIt() {
    openai.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(okJson("{}")));
    Agent.begin(session, "lane", null, "You are a coding agent.", "Read everything.");
    for (int i = 0; i < 5; i++) { // 5 results of 5 MB, as five big reads would leave
      session.append(Draft.onLane("lane", Body.Message.of(Role.USER, "x".repeat(5 << 20))));
    }

    Agent.Outcome outcome =
        new Agent(
                session,
                "lane",
                openAi(),
                tools,
                Checkpointer.NONE,
                Agent.Limits.defaults(),
                Clock.systemUTC(),
                Agent.Listener.NONE)
            .run();

    assertThat(outcome).isInstanceOf(Agent.Outcome.Failed.class);
    assertThat(((Agent.Outcome.Failed) outcome).reason())
        .startsWith("the conversation is 25 MB, more than the 24 MB");
    assertThat(openai.getAllServeEvents()).isEmpty();
  }

  @Test
  void aCappedToolOutputNeverSplitsASurrogatePairSoItCanBeStored() throws Exception {
    // one line of emoji (two chars each), read by line range, so that its output is cut by Text.cap
    for (int shift = 0; shift < 2; shift++) {
      Files.writeString(
          worktree.resolve("emoji" + shift + ".txt"),
          "x".repeat(shift) + "\uD83D\uDE00".repeat(40_000));
    }
    Path script =
        Files.writeString(
            tmp.resolve("emoji.json"),
            """
        {"turns": [{"calls": [{"tool": "read_file", "args": {"path": "emoji0.txt", "start_line": 1, "end_line": 1}},
                              {"tool": "read_file", "args": {"path": "emoji1.txt", "start_line": 1, "end_line": 1}}]},
                   {"calls": [{"tool": "finish", "args": {"summary": "read"}}]}]}""");

    Agent.Outcome outcome =
        run(
            Models.create("scripted:" + script, ModelConfig.defaults(), Map.of(), tmp),
            Agent.Limits.defaults(),
            "Read the files.");

    assertThat(outcome).isInstanceOf(Agent.Outcome.Finished.class);
    assertThat(messages().stream().filter(m -> m.role() == Role.TOOL).limit(2))
        .allSatisfy(m -> assertThat(m.content()).contains("cut at"));
    assertThat(SessionStore.validate(session.file()).valid()).isTrue();
  }
}
