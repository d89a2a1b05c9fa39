package dev.grove.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.secrets.Secrets;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Turns whatever a provider call threw into a {@link ModelException} that says what happened and
 * what to do, and decides whether it is worth retrying. Every text that came from the provider or
 * from an exception passes through the {@link Secrets} redactor first, and is cut to a readable
 * length.
 */
final class ProviderErrors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_MESSAGE = 1000;

  /** A classified failure and, when the provider said, how long to wait before trying again. */
  record Failure(ModelException error, Optional<Duration> retryAfter) {}

  /**
   * What the messages name: the model, where it is, the timeout and the key's variable (never its
   * value).
   */
  record Site(
      String model,
      String baseUrl,
      Duration timeout,
      Optional<String> keyEnv,
      Secrets secrets,
      Clock clock) {}

  private ProviderErrors() {}

  static Failure classify(Throwable t, Site site) {
    Secrets r = site.secrets();
    Throwable cause = r.sanitize(t);
    GroveHttpClient.Failed http = find(t, GroveHttpClient.Failed.class);
    if (http != null) {
      return httpFailure(http, site, cause);
    }
    String model = site.model();
    String url = r.redact(site.baseUrl());
    GroveHttpClient.TooLarge large = find(t, GroveHttpClient.TooLarge.class);
    if (large != null) {
      return new Failure(
          new ModelException(
              ModelException.Kind.BAD_RESPONSE,
              model
                  + ": the reply from "
                  + url
                  + " is larger than "
                  + (large.limit >> 20)
                  + " MB, more than grove reads from a model in one turn; "
                  + "lower max-output-tokens under [model] in config.toml, or check what the server at that address is",
              false,
              0,
              null,
              1,
              cause),
          Optional.empty());
    }
    if (find(t, GroveHttpClient.Interrupted.class) != null
        || find(t, InterruptedException.class) != null) {
      return new Failure(
          new ModelException(
              ModelException.Kind.INTERRUPTED,
              model + ": interrupted while waiting for " + url,
              false,
              0,
              null,
              1,
              cause),
          Optional.empty());
    }
    if (find(t, HttpTimeoutException.class) != null
        || find(t, dev.langchain4j.exception.TimeoutException.class) != null) {
      return new Failure(
          new ModelException(
              ModelException.Kind.TIMEOUT,
              model
                  + ": no answer from "
                  + url
                  + " within "
                  + human(site.timeout())
                  + " (raise timeout under [model] in config.toml if replies are long)",
              true,
              0,
              null,
              1,
              cause),
          Optional.empty());
    }
    if (find(t, UnknownHostException.class) != null
        || find(t, UnresolvedAddressException.class) != null
        || find(t, dev.langchain4j.exception.UnresolvedModelServerException.class) != null) {
      return new Failure(
          new ModelException(
              ModelException.Kind.NETWORK,
              model + ": cannot resolve the host of " + url + ": check the base URL",
              false,
              0,
              null,
              1,
              cause),
          Optional.empty());
    }
    if (find(t, ConnectException.class) != null) {
      return new Failure(
          new ModelException(
              ModelException.Kind.NETWORK,
              model
                  + ": cannot connect to "
                  + url
                  + " (connection refused): is the server running and the base URL right?",
              false,
              0,
              null,
              1,
              cause),
          Optional.empty());
    }
    IOException io = find(t, IOException.class);
    if (io != null) {
      return new Failure(
          new ModelException(
              ModelException.Kind.NETWORK,
              model
                  + ": the connection to "
                  + url
                  + " failed: "
                  + shortRedacted(String.valueOf(io.getMessage()), r),
              true,
              0,
              null,
              1,
              cause),
          Optional.empty());
    }
    return new Failure(
        new ModelException(
            ModelException.Kind.BAD_RESPONSE,
            model
                + ": the call failed: "
                + shortRedacted(t.getClass().getSimpleName() + ": " + t.getMessage(), r),
            false,
            0,
            null,
            1,
            cause),
        Optional.empty());
  }

  /**
   * Text for a message: redacted, well-formed, on one line, and cut (an exception's message may
   * hold a whole reply).
   */
  static String shortRedacted(String text, Secrets secrets) {
    // cut well past the end first, so that redaction never sees a key cut short within what is kept
    String head = text.length() > 4 * MAX_MESSAGE ? text.substring(0, 4 * MAX_MESSAGE) : text;
    return Untrusted.shorten(
        Untrusted.wellFormed(secrets.redact(head.replaceAll("\\s+", " ").strip())), MAX_MESSAGE);
  }

  private static Failure httpFailure(GroveHttpClient.Failed http, Site site, Throwable cause) {
    int status = http.statusCode();
    String said = shortRedacted(providerMessage(http.body()), site.secrets());
    String model = site.model();
    String suffix = said.isEmpty() ? "" : ": " + said;
    Optional<Duration> retryAfter = retryAfter(http, site.clock());
    ModelException.Kind kind;
    boolean retriable;
    String message;
    if (status == 401 || status == 403) {
      kind = ModelException.Kind.AUTH;
      retriable = false;
      message =
          stop(model + ": the provider refused the credentials (HTTP " + status + ")" + suffix)
              + " "
              + site.keyEnv()
                  .map(v -> "Check the key in " + v + ".")
                  .orElse(
                      "No API key is configured: name its variable with api-key-env in config.toml.");
    } else if (status == 404) {
      kind = ModelException.Kind.NOT_FOUND;
      retriable = false;
      message =
          stop(
                  model
                      + ": not found at "
                      + site.secrets().redact(site.baseUrl())
                      + " (HTTP 404)"
                      + suffix)
              + " Check the model name and the base URL.";
    } else if (status == 429 && isQuota(http.body())) {
      kind = ModelException.Kind.RATE_LIMITED;
      retriable = false;
      message =
          stop(model + ": out of quota (HTTP 429)" + suffix) + " Add credit or use another key.";
    } else if (status == 429) {
      kind = ModelException.Kind.RATE_LIMITED;
      retriable = true;
      message = model + ": rate limited (HTTP 429)" + suffix;
    } else if (status == 408) {
      kind = ModelException.Kind.TIMEOUT;
      retriable = true;
      message = model + ": the provider timed out (HTTP 408)" + suffix;
    } else if (status == 409 || status >= 500) {
      kind = ModelException.Kind.SERVER;
      retriable = true;
      message = model + ": the provider failed (HTTP " + status + ")" + suffix;
    } else {
      kind = ModelException.Kind.BAD_REQUEST;
      retriable = false;
      message = model + ": the provider refused the request (HTTP " + status + ")" + suffix;
    }
    return new Failure(
        new ModelException(
            kind, message, retriable, status, said.isEmpty() ? null : said, 1, cause),
        retryAfter);
  }

  /** Ends a sentence with a full stop unless it already has one. */
  private static String stop(String s) {
    return s.endsWith(".") || s.endsWith("!") || s.endsWith("?") ? s : s + ".";
  }

  /**
   * The provider's explanation: {@code error.message} (OpenAI, Anthropic), {@code error} (Ollama),
   * or the body; neither redacted nor cut (see {@link #shortRedacted}).
   */
  static String providerMessage(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String text = body.strip();
    try {
      JsonNode n = JSON.readTree(text);
      if (n != null && n.isObject()) {
        JsonNode e = n.get("error");
        if (e != null && e.isObject() && e.path("message").isTextual()) {
          text = e.get("message").asText();
        } else if (e != null && e.isTextual()) {
          text = e.asText();
        } else if (n.path("message").isTextual()) {
          text = n.get("message").asText();
        }
      }
    } catch (IOException notJson) {
      // keep the body as it is
    }
    return text;
  }

  private static boolean isQuota(String body) {
    return body != null && body.contains("insufficient_quota");
  }

  /** {@code retry-after-ms} (OpenAI), else {@code Retry-After} in seconds or as an HTTP date. */
  static Optional<Duration> retryAfter(GroveHttpClient.Failed http, Clock clock) {
    String ms = http.header("retry-after-ms");
    if (ms != null) {
      try {
        return Optional.of(Duration.ofMillis(Math.max(0, (long) Double.parseDouble(ms.trim()))));
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    String v = http.header("retry-after");
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(v.trim()) * 1000))));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(clock.instant(), at.toInstant());
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }

  static String human(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    return s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
