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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The HTTP client grove gives LangChain4j's providers. LangChain4j's own client drops the response headers
 * of a failed call; this one keeps them ({@link Failed}) so that {@code Retry-After} can be honoured. It
 * never logs. Streaming is not used by grove and not supported.
 */
final class GroveHttpClient implements HttpClient {
  static final Duration MAX_CONNECT = Duration.ofSeconds(30);
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
      // providers pass their whole request timeout; a connection that takes longer than this is not coming
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

  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
    request.headers().forEach((name, values) -> {
      if (values != null) {
        values.forEach(v -> b.header(name, v));
      }
    });
    b.method(request.method().name(), request.body() == null
        ? java.net.http.HttpRequest.BodyPublishers.noBody()
        : java.net.http.HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
    if (readTimeout != null) {
      b.timeout(readTimeout);
    }
    HttpResponse<String> response;
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Interrupted(e);
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      throw new Failed(status, response.headers().map(), response.body());
    }
    return SuccessfulHttpResponse.builder()
        .statusCode(status)
        .headers(response.headers().map())
        .body(response.body())
        .build();
  }

  @Override
  public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
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
