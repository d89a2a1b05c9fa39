package dev.grove.forge;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/** The forges grove opens pull requests on, each with what it needs to know of it. */
public enum ForgeKind {
  /** GitHub and GitHub Enterprise. */
  GITHUB(
      "github",
      "GitHub",
      List.of("GITHUB_TOKEN", "GH_TOKEN"),
      "github.com",
      "https://api.github.com",
      "/api/v3"),
  /** GitLab, gitlab.com or self-hosted (merge requests). */
  GITLAB(
      "gitlab",
      "GitLab",
      List.of("GITLAB_TOKEN"),
      "gitlab.com",
      "https://gitlab.com/api/v4",
      "/api/v4"),
  /** Gitea and Forgejo: no public host of their own, so a token needs configuring. */
  GITEA("gitea", "Gitea", List.of("GITEA_TOKEN", "FORGEJO_TOKEN"), null, null, "/api/v1"),
  /** No forge: the branch on the remote is the proposal, and {@code grove merge} merges it. */
  LOCAL("local", "local", List.of(), null, null, null);

  private final String wireName;
  private final String title;
  private final List<String> tokenVariables;
  private final String canonicalHost;
  private final String canonicalApi;
  private final String apiPath;

  ForgeKind(
      String wireName,
      String title,
      List<String> tokenVariables,
      String canonicalHost,
      String canonicalApi,
      String apiPath) {
    this.wireName = wireName;
    this.title = title;
    this.tokenVariables = tokenVariables;
    this.canonicalHost = canonicalHost;
    this.canonicalApi = canonicalApi;
    this.apiPath = apiPath;
  }

  /**
   * The kind a user names ({@code github}, {@code gitlab}, {@code gitea}, {@code forgejo}, {@code
   * local}).
   */
  public static ForgeKind parse(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    if (n.equals("forgejo")) {
      return GITEA;
    }
    for (ForgeKind k : values()) {
      if (k.wireName.equals(n)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown forge '" + name + "' (expected github, gitlab, gitea, forgejo or local)");
  }

  /** How it is written in flags, config and run events. */
  public String wireName() {
    return wireName;
  }

  /** How it is named in messages. */
  String title() {
    return title;
  }

  /** The environment variables tried for its token, in order, when none is configured. */
  List<String> tokenVariables() {
    return tokenVariables;
  }

  /**
   * Where its usual token variables may go without being configured: the API of the one public host
   * they are made for, when the remote is on it; null otherwise.
   */
  URI canonicalApi(String host) {
    return canonicalHost != null && host.equalsIgnoreCase(canonicalHost)
        ? URI.create(canonicalApi)
        : null;
  }

  /** The usual API address on a host (GitHub's public host has its API on another one). */
  URI defaultApi(String host) {
    if (apiPath == null) {
      throw new IllegalArgumentException("the local forge has no API");
    }
    URI canonical = canonicalApi(host);
    return canonical != null ? canonical : URI.create("https://" + host + apiPath);
  }

  /** Where tokens go by default, in words, for messages. */
  String usualTokenHost() {
    return canonicalHost != null
        ? canonicalHost.replace("github.com", "api.github.com")
            + ", for remotes on "
            + canonicalHost
        : "no host by default: each " + title + " server has tokens of its own";
  }

  @Override
  public String toString() {
    return wireName;
  }
}
