package dev.grove.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A forge with a REST API. Opening is the same everywhere: look for a pull request already open for
 * the branch; if there is none, create one; if creating says it exists (another run got there
 * first), look again. The forges differ only in their URLs, their JSON, and how "exists" is said.
 *
 * <p>What a forge answers is checked before it is believed: a list is a list, and a pull request
 * has a positive number and an http(s) URL, else {@link ForgeException} (a created one is never
 * recorded without them).
 */
abstract sealed class RestForge implements Forge permits GitHubForge, GitLabForge {
  private static final int MAX_URL = 2000;

  final URI api;
  final RemoteUrl repo;
  final Http http;
  final String tokenEnv;

  RestForge(URI api, RemoteUrl repo, Http http, String tokenEnv) {
    this.api = api;
    this.repo = repo;
    this.http = http;
    this.tokenEnv = tokenEnv;
  }

  @Override
  public final PullRequest open(PullRequestDraft draft) {
    PullRequestDraft d = http.redact(draft);
    PullRequest existing = find(d);
    if (existing != null) {
      return existing;
    }
    Http.Response r = http.post(createUri(), createBody(d));
    if (r.status() == 201 || r.status() == 200) {
      return pullRequest(r.body(), d, false);
    }
    if (saysItExists(r)) {
      PullRequest raced = find(d);
      if (raced != null) {
        return raced;
      }
    }
    throw http.failure(
        "open a " + noun() + " from " + d.head() + " into " + d.base() + " in " + repo.path(),
        r,
        tokenEnv);
  }

  /** The pull request open for the draft's branch into its base, or null. */
  abstract PullRequest find(PullRequestDraft d);

  abstract URI createUri();

  abstract ObjectNode createBody(PullRequestDraft d);

  /** Whether a failed create means "one is already open for this branch". */
  abstract boolean saysItExists(Http.Response r);

  abstract PullRequest pullRequest(JsonNode n, PullRequestDraft d, boolean existing);

  String noun() {
    return "pull request";
  }

  /** The pull requests a listing answered with: its body, which must be a JSON array. */
  final JsonNode listed(Http.Response r) {
    if (!r.body().isArray()) {
      throw new ForgeException(
          r.status(),
          http.forge()
              + " answered the listing of "
              + noun()
              + "s in "
              + repo.path()
              + " with something other than a list; check the forge URL");
    }
    return r.body();
  }

  /** A pull request the forge described by {@code number} and {@code url}, checked. */
  final PullRequest described(JsonNode number, JsonNode url, PullRequestDraft d, boolean existing) {
    if (!number.canConvertToLong() || !number.isIntegralNumber() || number.asLong() <= 0) {
      throw new ForgeException(
          0,
          http.forge()
              + " described a "
              + noun()
              + " for "
              + d.head()
              + " without a valid "
              + "number; it is not recorded as opened: check the forge URL and the "
              + noun()
              + "s of "
              + repo.path());
    }
    String u = url.isTextual() ? url.asText() : "";
    if (!isWebUrl(u)) {
      throw new ForgeException(
          0,
          http.forge()
              + " described "
              + noun()
              + " "
              + number.asLong()
              + " without an "
              + "http(s) URL; it is not recorded as opened: check the forge URL");
    }
    return new PullRequest(kind(), Long.toString(number.asLong()), u, d.head(), d.base(), existing);
  }

  /**
   * An absolute http(s) URL of printable ASCII: what may be recorded and shown as where a pull
   * request is.
   */
  static boolean isWebUrl(String u) {
    if (u.isEmpty() || u.length() > MAX_URL || !u.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return false;
    }
    try {
      URI uri = new URI(u);
      return uri.getScheme() != null
          && uri.getScheme().matches("(?i)https?")
          && uri.getHost() != null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** The API's address of {@code tail}, whose path parts are {@linkplain #segment encoded}. */
  URI uri(String tail) {
    return URI.create(api.toString().replaceAll("/+$", "") + tail);
  }

  /** One path segment, percent-encoded: only unreserved characters (RFC 3986) stay as they are. */
  static String segment(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
        sb.append(c);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }
}
