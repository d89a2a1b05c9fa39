package dev.grove.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.secrets.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * JSON over HTTP for the forges. Each request ends within the timeout, its response read whole (a
 * forge that drips its body fails at the deadline); a response over {@link #MAX_RESPONSE_BYTES} is
 * cut off there and fails. Whatever grove sends (titles, bodies) and says (the forge's messages)
 * passes the {@link Secrets} redactor, so no token appears in a request body or a message.
 */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  /** More than any pull request or page of them; a forge's answer larger than this is not read. */
  static final int MAX_RESPONSE_BYTES = 1 << 20;

  private static final int MAX_MESSAGE = 1000;

  private final HttpClient client;
  private final Duration timeout;
  private final Map<String, String> headers;
  private final Secrets secrets;
  private final String forge;

  /**
   * @param headers sent with every request, the token's among them (checked by {@link Forges} to be
   *     a valid header value, so building a request never quotes it in an error)
   * @param forge the forge's name for messages: GitHub, GitLab, Gitea
   */
  Http(
      HttpClient client,
      Duration timeout,
      Map<String, String> headers,
      Secrets secrets,
      String forge) {
    this.client = client;
    this.timeout = timeout;
    this.headers = headers;
    this.secrets = secrets;
    this.forge = forge;
  }

  record Response(int status, JsonNode body) {}

  String forge() {
    return forge;
  }

  Response get(URI uri) {
    return send(HttpRequest.newBuilder(uri).GET(), uri);
  }

  Response post(URI uri, JsonNode body) {
    try {
      return send(
          HttpRequest.newBuilder(uri)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))),
          uri);
    } catch (IOException e) {
      throw new ForgeException(
          "cannot encode the request to " + forge + ": " + redact(e.getMessage()), e);
    }
  }

  private Response send(HttpRequest.Builder b, URI uri) {
    b.timeout(timeout).header("User-Agent", "grove");
    if (!headers.containsKey("Accept")) {
      b.header("Accept", "application/json");
    }
    headers.forEach(b::header);
    Capped capped = new Capped();
    CompletableFuture<HttpResponse<byte[]>> sent = client.sendAsync(b.build(), capped::forResponse);
    HttpResponse<byte[]> r;
    try {
      r = sent.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      capped.cancel();
      sent.cancel(true);
      throw new ForgeException(
          0,
          forge
              + " at "
              + uri.getHost()
              + " did not answer in full within "
              + timeout.toSeconds()
              + "s; try again later");
    } catch (InterruptedException e) {
      capped.cancel();
      sent.cancel(true);
      Thread.currentThread().interrupt();
      throw new ForgeException(0, "interrupted while talking to " + forge);
    } catch (ExecutionException e) {
      if (capped.overCap) { // the exchange may fail with "cancelled" first: the flag says why
        throw new ForgeException(
            0,
            forge
                + " at "
                + uri.getHost()
                + " answered with more than "
                + (MAX_RESPONSE_BYTES >> 20)
                + " MB, more than grove reads from a forge; its answer was not used");
      }
      Throwable c = e.getCause();
      throw new ForgeException(
          "cannot reach "
              + forge
              + " at "
              + uri.getHost()
              + ": "
              + redact(c.getClass().getSimpleName() + ": " + c.getMessage()),
          secrets.sanitize(c));
    }
    JsonNode body;
    try {
      body = r.body().length == 0 ? JSON.nullNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      body = JSON.getNodeFactory().textNode(new String(r.body(), StandardCharsets.UTF_8));
    }
    return new Response(r.statusCode(), body);
  }

  /** The forge's own words for an error response, tokens removed. */
  String message(Response r) {
    JsonNode b = r.body();
    StringBuilder sb = new StringBuilder();
    JsonNode msg = b.path("message");
    if (msg.isTextual()) {
      sb.append(msg.asText());
    } else if (msg.isArray() || msg.isObject()) {
      sb.append(msg.toString());
    } else if (b.isTextual()) {
      sb.append(b.asText(), 0, Math.min(4 * MAX_MESSAGE, b.asText().length()));
    }
    for (JsonNode e : b.path("errors")) {
      String m = e.isTextual() ? e.asText() : e.path("message").asText(e.path("code").asText(""));
      if (!m.isEmpty()) {
        sb.append(sb.isEmpty() ? "" : ": ").append(m);
      }
    }
    return redact(sb.isEmpty() ? "HTTP " + r.status() : sb.toString());
  }

  /**
   * Text from or about the forge as it may be shown: redacted, cut to a readable length, without
   * control characters (a terminal's escape sequences) or unpaired surrogates (which no encoder can
   * write).
   */
  String redact(String s) {
    String text = String.valueOf(s);
    // cut well past the end first, so that redaction never sees a token cut short within what is
    // kept
    String head =
        secrets.redact(text.length() > 4 * MAX_MESSAGE ? text.substring(0, 4 * MAX_MESSAGE) : text);
    StringBuilder sb = new StringBuilder(Math.min(head.length(), MAX_MESSAGE + 1));
    for (int i = 0; i < head.length() && sb.length() < MAX_MESSAGE; i++) {
      char c = head.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              && i + 1 < head.length()
              && Character.isLowSurrogate(head.charAt(i + 1));
      if (paired) {
        sb.append(c).append(head.charAt(++i));
      } else {
        sb.append(Character.isISOControl(c) ? ' ' : Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return sb.length() < head.length() ? sb + "…" : sb.toString();
  }

  /**
   * The draft as it may be sent: a secret in its title or body (an agent may echo one) is redacted.
   */
  PullRequestDraft redact(PullRequestDraft d) {
    return new PullRequestDraft(
        d.head(), d.base(), secrets.redact(d.title()), secrets.redact(d.body()));
  }

  /** A failure with advice for the common statuses. */
  ForgeException failure(String action, Response r, String tokenEnv) {
    String said = message(r);
    String advice =
        switch (r.status()) {
          case 401 -> "; the token in " + tokenEnv + " was rejected: set it to a valid token";
          case 403 ->
              "; the token in " + tokenEnv + " may lack permission to open pull requests here";
          case 404 -> "; check the repository path and that the token can see it";
          default -> "";
        };
    return new ForgeException(
        r.status(),
        forge + " refused to " + action + " (HTTP " + r.status() + "): " + said + advice);
  }

  /**
   * Collects a response of at most {@link #MAX_RESPONSE_BYTES} (by its Content-Length, or as it
   * arrives); a larger one cancels the exchange. {@link #cancel} stops reading, for a deadline that
   * passed.
   */
  private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private volatile Flow.Subscription subscription;
    volatile boolean overCap;

    HttpResponse.BodySubscriber<byte[]> forResponse(HttpResponse.ResponseInfo info) {
      if (info.headers().firstValueAsLong("content-length").orElse(-1) > MAX_RESPONSE_BYTES) {
        tooLarge();
      }
      return this;
    }

    private void tooLarge() {
      overCap = true;
      result.completeExceptionally(
          new java.io.IOException("response over " + MAX_RESPONSE_BYTES + " bytes"));
      cancel();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (result.isDone()) {
        s.cancel();
      } else {
        s.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        if (result.isDone()) {
          return;
        }
        if ((long) out.size() + b.remaining() > MAX_RESPONSE_BYTES) {
          tooLarge();
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        out.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    void cancel() {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }
}
