package dev.grove.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Requests to a dashboard over real HTTP on loopback, for the API tests. */
final class Requests {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private Requests() {}

  /** A GET of {@code path} (from the root) with these header names and values. */
  static HttpResponse<String> get(Dashboard d, String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(d.address() + path)).timeout(Duration.ofSeconds(60));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A POST of {@code body} to {@code /api + path} with these header names and values. */
  static HttpResponse<String> post(Dashboard d, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(d.address() + "/api" + path))
            .timeout(Duration.ofMinutes(2))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET of {@code /api + path} with the token. */
  static HttpResponse<String> authorized(Dashboard d, String path) throws Exception {
    return get(d, "/api" + path, "Authorization", "Bearer " + d.token());
  }

  /** The answer to a GET of {@code /api + path} with the token, which must succeed. */
  static JsonNode api(Dashboard d, String path) throws Exception {
    HttpResponse<String> r = authorized(d, path);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
