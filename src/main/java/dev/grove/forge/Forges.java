package dev.grove.forge;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Makes a {@link Forge} from settings, the remote's URL, and the environment (for the token). */
public final class Forges {
  private Forges() {}

  /**
   * What is needed to talk to a forge.
   *
   * @param kind github, gitlab, gitea or local
   * @param apiUrl the API base; null for the default of the remote's host (api.github.com for
   *     github.com, https://HOST/api/v3 for GitHub Enterprise, /api/v4 for GitLab, /api/v1 for Gitea)
   * @param tokenEnv the environment variable holding the token; null for the kind's usual one
   */
  public record Settings(String kind, URI apiUrl, String tokenEnv, Duration timeout) {
    public Settings {
      kind = kind == null ? "local" : kind.toLowerCase(Locale.ROOT);
      if (!kind.matches("github|gitlab|gitea|forgejo|local")) {
        throw new IllegalArgumentException("unknown forge '" + kind + "' (expected github, gitlab, gitea, forgejo or local)");
      }
      if (kind.equals("forgejo")) {
        kind = "gitea";
      }
      timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
    }

    public static Settings of(String kind) {
      return new Settings(kind, null, null, null);
    }
  }

  /** The environment variables tried for a kind's token, in order, when none is configured. */
  static String[] tokenVariables(String kind) {
    return switch (kind) {
      case "github" -> new String[] {"GITHUB_TOKEN", "GH_TOKEN"};
      case "gitlab" -> new String[] {"GITLAB_TOKEN"};
      case "gitea" -> new String[] {"GITEA_TOKEN", "FORGEJO_TOKEN"};
      default -> new String[0];
    };
  }

  /**
   * @param remoteUrl the URL of the git remote branches are pushed to
   * @throws ForgeException when the token is missing (the message names the variable to set)
   */
  public static Forge create(Settings s, String remoteUrl, Map<String, String> env, HttpClient client) {
    if (s.kind().equals("local")) {
      return new LocalForge(remoteUrl);
    }
    RemoteUrl repo;
    try {
      repo = RemoteUrl.parse(remoteUrl);
    } catch (IllegalArgumentException e) {
      throw new ForgeException(0, "cannot open " + s.kind() + " pull requests for remote " + remoteUrl + ": " + e.getMessage());
    }
    String[] vars = s.tokenEnv() != null ? new String[] {s.tokenEnv()} : tokenVariables(s.kind());
    String tokenEnv = vars[0];
    String token = null;
    for (String v : vars) {
      String t = env.get(v);
      if (t != null && !t.isBlank()) {
        token = t.strip();
        tokenEnv = v;
        break;
      }
    }
    if (token == null) {
      throw new ForgeException(0, "no " + s.kind() + " token: set " + String.join(" or ", vars)
          + " in the environment (grove reads tokens only from there)");
    }
    URI api = s.apiUrl() != null ? s.apiUrl() : defaultApi(s.kind(), repo.host());
    return switch (s.kind()) {
      case "github" -> new GitHubForge(api, repo, new Http(client, s.timeout(), Map.of(
          "Authorization", "Bearer " + token, "X-GitHub-Api-Version", "2022-11-28",
          "Accept", "application/vnd.github+json"), token, "GitHub"), tokenEnv);
      case "gitlab" -> new GitLabForge(api, repo, new Http(client, s.timeout(), Map.of("PRIVATE-TOKEN", token), token, "GitLab"),
          tokenEnv);
      case "gitea" -> new GiteaForge(api, repo, new Http(client, s.timeout(), Map.of("Authorization", "token " + token), token,
          "Gitea"), tokenEnv);
      default -> throw new IllegalStateException("unreachable: " + s.kind());
    };
  }

  static URI defaultApi(String kind, String host) {
    return switch (kind) {
      case "github" -> URI.create(host.equals("github.com") ? "https://api.github.com" : "https://" + host + "/api/v3");
      case "gitlab" -> URI.create("https://" + host + "/api/v4");
      case "gitea" -> URI.create("https://" + host + "/api/v1");
      default -> throw new IllegalArgumentException(kind);
    };
  }
}
