package dev.grove.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** JSON over HTTP for the forges: one timeout, the forge's own message on errors, no token in any message. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;
  private final Duration timeout;
  private final Map<String, String> headers;
  private final String token;
  private final String forge;

  Http(HttpClient client, Duration timeout, Map<String, String> headers, String token, String forge) {
    this.client = client;
    this.timeout = timeout;
    this.headers = headers;
    this.token = token;
    this.forge = forge;
  }

  record Response(int status, JsonNode body) {}

  Response get(URI uri) {
    return send(HttpRequest.newBuilder(uri).GET(), uri);
  }

  Response post(URI uri, JsonNode body) {
    try {
      return send(HttpRequest.newBuilder(uri)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))), uri);
    } catch (IOException e) {
      throw new ForgeException("cannot encode the request to " + forge + ": " + e.getMessage(), e);
    }
  }

  private Response send(HttpRequest.Builder b, URI uri) {
    b.timeout(timeout).header("User-Agent", "grove");
    if (!headers.containsKey("Accept")) {
      b.header("Accept", "application/json");
    }
    headers.forEach(b::header);
    HttpResponse<byte[]> r;
    try {
      r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new ForgeException("cannot reach " + forge + " at " + uri.getHost() + ": " + redact(String.valueOf(e.getMessage())), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ForgeException("interrupted while talking to " + forge, e);
    }
    JsonNode body;
    try {
      body = r.body().length == 0 ? JSON.nullNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      body = JSON.getNodeFactory().textNode(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
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
      sb.append(b.asText(), 0, Math.min(300, b.asText().length()));
    }
    for (JsonNode e : b.path("errors")) {
      String m = e.isTextual() ? e.asText() : e.path("message").asText(e.path("code").asText(""));
      if (!m.isEmpty()) {
        sb.append(sb.isEmpty() ? "" : ": ").append(m);
      }
    }
    return redact(sb.isEmpty() ? "HTTP " + r.status() : sb.toString());
  }

  String redact(String s) {
    return token == null || token.isEmpty() ? s : s.replace(token, "[token]");
  }

  /** A failure with advice for the common statuses. */
  ForgeException failure(String action, Response r, String tokenEnv) {
    String said = message(r);
    String advice = switch (r.status()) {
      case 401 -> "; the token in " + tokenEnv + " was rejected: set it to a valid token";
      case 403 -> "; the token in " + tokenEnv + " may lack permission to open pull requests here";
      case 404 -> "; check the repository path and that the token can see it";
      default -> "";
    };
    return new ForgeException(r.status(), forge + " refused to " + action + " (HTTP " + r.status() + "): " + said + advice);
  }
}
