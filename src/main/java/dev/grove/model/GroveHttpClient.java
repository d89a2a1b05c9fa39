package dev.grove.model;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The HTTP client grove gives LangChain4j's providers. LangChain4j's own client drops the response
 * headers of a failed call; this one keeps them ({@link Failed}) so that {@code Retry-After} can be
 * honoured. Every response is read whole by a deadline and up to a size ({@link #execute}). It
 * never logs. Streaming is not used by grove and not supported.
 */
final class GroveHttpClient implements HttpClient {
  static final Duration MAX_CONNECT = Duration.ofSeconds(30);

  /**
   * The most a reply may have: 4 MB is about a million tokens, more than any model writes in one
   * turn.
   */
  static final int MAX_REPLY_BYTES = 4 << 20;

  private final java.net.http.HttpClient http;
  private final Duration readTimeout;

  private GroveHttpClient(Duration connectTimeout, Duration readTimeout, boolean plainHttp) {
    // redirects are not followed: they would carry the key to wherever they point
    java.net.http.HttpClient.Builder b = java.net.http.HttpClient.newBuilder();
    if (plainHttp) {
      // no h2c upgrade dance with local servers (Ollama, proxies): plain HTTP/1.1
      b.version(java.net.http.HttpClient.Version.HTTP_1_1);
    }
    if (connectTimeout != null) {
      // providers pass their whole request timeout; a connection that takes longer than this is not
      // coming
      b.connectTimeout(connectTimeout.compareTo(MAX_CONNECT) > 0 ? MAX_CONNECT : connectTimeout);
    }
    this.http = b.build();
    this.readTimeout = readTimeout;
  }

  /** A response outside 2xx, with its headers. Its message is the body, which may echo secrets. */
  static final class Failed extends HttpException {
    private final transient Map<String, List<String>> headers;
    private final String body;

    Failed(int status, Map<String, List<String>> headers, String body) {
      super(status, body);
      this.headers = headers;
      this.body = body;
    }

    Map<String, List<String>> headers() {
      return headers;
    }

    String body() {
      return body;
    }

    /** The first value of a header, matched without regard to case. */
    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** The deadline of the model call the current thread is making, if any (see {@link #within}). */
  private static final ThreadLocal<Deadline> CALL = ThreadLocal.withInitial(() -> Deadline.NONE);

  /**
   * Runs {@code call} so that every request it makes ends by {@code deadline}, body included.
   * LangChain4j gives no way to pass options from a chat call to its HTTP client, so the deadline
   * rides on the thread for the length of the call, and is put back after it.
   */
  static <T> T within(Deadline deadline, Supplier<T> call) {
    Deadline was = CALL.get();
    CALL.set(deadline);
    try {
      return call.get();
    } finally {
      CALL.set(was);
    }
  }

  /**
   * The response, read whole by the earlier of the read timeout and the call's deadline: a server
   * that drips its body fails at the deadline, not when it finishes. A body over {@link
   * #MAX_REPLY_BYTES} ends the exchange with {@link TooLarge}.
   */
  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    java.net.http.HttpRequest.Builder b =
        java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
    request
        .headers()
        .forEach(
            (name, values) -> {
              if (values != null) {
                values.forEach(v -> header(b, name, v));
              }
            });
    b.method(
        request.method().name(),
        request.body() == null
            ? java.net.http.HttpRequest.BodyPublishers.noBody()
            : java.net.http.HttpRequest.BodyPublishers.ofString(
                request.body(), StandardCharsets.UTF_8));
    Deadline deadline = CALL.get();
    if (readTimeout != null) {
      deadline = deadline.earlier(Deadline.after(readTimeout));
    }
    if (deadline.passed()) {
      throw new UncheckedIOException(new HttpTimeoutException("no time left for the request"));
    }
    b.timeout(deadline.left());
    CappedBody body = new CappedBody(MAX_REPLY_BYTES);
    CompletableFuture<HttpResponse<byte[]>> sent = http.sendAsync(b.build(), body::forResponse);
    HttpResponse<byte[]> response;
    try {
      response = sent.get(deadline.left().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      body.cancel();
      sent.cancel(true);
      throw new UncheckedIOException(
          new HttpTimeoutException("the response was not complete by the deadline"));
    } catch (InterruptedException e) {
      body.cancel();
      sent.cancel(true);
      Thread.currentThread().interrupt();
      throw new Interrupted(e);
    } catch (ExecutionException e) {
      throw body.overCap() ? new TooLarge(MAX_REPLY_BYTES) : rethrow(e.getCause());
    }
    int status = response.statusCode();
    String text = new String(response.body(), StandardCharsets.UTF_8);
    if (status < 200 || status > 299) {
      throw new Failed(status, response.headers().map(), text);
    }
    return SuccessfulHttpResponse.builder()
        .statusCode(status)
        .headers(response.headers().map())
        .body(text)
        .build();
  }

  /** A header; a value the JDK refuses is not quoted, since it may be a key. */
  private static void header(java.net.http.HttpRequest.Builder b, String name, String value) {
    try {
      b.header(name, value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the value of header "
              + name
              + " is not a valid header value "
              + "(control characters or line breaks); it is not shown, as it may hold a key");
    }
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof IOException io) {
      return new UncheckedIOException(io);
    }
    if (cause instanceof RuntimeException r) {
      return r;
    }
    return new UncheckedIOException(new IOException(cause));
  }

  /** The response had more than {@code limit} bytes; it was not read further. */
  static final class TooLarge extends RuntimeException {
    final long limit;

    TooLarge(long limit) {
      super("the response is larger than " + limit + " bytes");
      this.limit = limit;
    }
  }

  @Override
  public void execute(
      HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
    throw new UnsupportedOperationException("grove does not stream model replies");
  }

  /** The calling thread was interrupted while waiting for the response. */
  static final class Interrupted extends RuntimeException {
    Interrupted(InterruptedException cause) {
      super("interrupted while waiting for the model", cause);
    }
  }

  /** What LangChain4j's providers build their client with. */
  static final class Builder implements HttpClientBuilder {
    private final boolean plainHttp;
    private Duration connectTimeout;
    private Duration readTimeout;

    Builder(String baseUrl) {
      this.plainHttp = baseUrl.startsWith("http:");
    }

    @Override
    public Duration connectTimeout() {
      return connectTimeout;
    }

    @Override
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    @Override
    public Duration readTimeout() {
      return readTimeout;
    }

    @Override
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = timeout;
      return this;
    }

    @Override
    public HttpClient build() {
      return new GroveHttpClient(connectTimeout, readTimeout, plainHttp);
    }
  }
}
