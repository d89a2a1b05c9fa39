package dev.grove.forge;

import dev.grove.secrets.Secrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Makes a {@link Forge} from settings, the remote's URL, and the environment (for the token). */
public final class Forges {
  private Forges() {}

  /**
   * What is needed to talk to a forge.
   *
   * @param kind which forge
   * @param apiUrl the API base; null for the default of the remote's host (api.github.com for
   *     github.com, https://HOST/api/v3 for GitHub Enterprise, /api/v4 for GitLab, /api/v1 for
   *     Gitea; the kind's usual token variables go only to api.github.com and gitlab.com's API
   *     unless this or {@code tokenEnv} is set)
   * @param tokenEnv the environment variable holding the token; null for the kind's usual one
   * @param timeout how long each request may take, its whole response read (30 s when null)
   */
  public record Settings(ForgeKind kind, URI apiUrl, String tokenEnv, Duration timeout) {
    public Settings {
      kind = kind == null ? ForgeKind.LOCAL : kind;
      timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
    }

    /** Settings for a kind a user named ({@code github}, …; null for the local forge). */
    public Settings(String kind, URI apiUrl, String tokenEnv, Duration timeout) {
      this(kind == null ? ForgeKind.LOCAL : ForgeKind.parse(kind), apiUrl, tokenEnv, timeout);
    }

    public static Settings of(String kind) {
      return new Settings(kind, null, null, null);
    }
  }

  /**
   * Makes the forge for the repository at {@code remoteUrl}. A token from the kind's usual
   * variables ({@code GITHUB_TOKEN}…) is sent only to the forge's canonical host (api.github.com
   * for a github.com remote, gitlab.com's API for gitlab.com) unless the API URL or the token
   * variable is configured: a remote naming another host does not get the token by itself.
   *
   * @param remoteUrl the URL of the git remote branches are pushed to
   * @throws ForgeException when the remote is not a plain forge repository URL, when the token
   *     would go to a host it is not configured for, or when the token is missing or malformed (the
   *     message names what to set; it never shows the token)
   */
  public static Forge create(
      Settings s, String remoteUrl, Map<String, String> env, HttpClient client) {
    if (s.kind() == ForgeKind.LOCAL) {
      return new LocalForge(remoteUrl);
    }
    RemoteUrl repo;
    try {
      repo = RemoteUrl.parse(remoteUrl);
    } catch (IllegalArgumentException e) {
      throw new ForgeException(
          0, "cannot open " + s.kind() + " pull requests: " + e.getMessage()); // names the URL
    }
    String[] vars =
        s.tokenEnv() != null
            ? new String[] {s.tokenEnv()}
            : s.kind().tokenVariables().toArray(String[]::new);
    URI api = api(s, repo, vars);
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
      throw new ForgeException(
          0,
          "no "
              + s.kind()
              + " token: set "
              + String.join(" or ", vars)
              + " in the environment (grove reads tokens only from there)");
    }
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new ForgeException(
          0,
          "the token in "
              + tokenEnv
              + " holds spaces, line breaks or other characters no "
              + "token has (it is not shown here): set the variable to the token alone");
    }
    Secrets secrets = Secrets.of(env, List.of(tokenEnv));
    return switch (s.kind()) {
      case GITHUB ->
          new GitHubForge(
              api,
              repo,
              new Http(
                  client,
                  s.timeout(),
                  Map.of(
                      "Authorization",
                      "Bearer " + token,
                      "X-GitHub-Api-Version",
                      "2022-11-28",
                      "Accept",
                      "application/vnd.github+json"),
                  secrets,
                  "GitHub"),
              tokenEnv);
      case GITLAB ->
          new GitLabForge(
              api,
              repo,
              new Http(client, s.timeout(), Map.of("PRIVATE-TOKEN", token), secrets, "GitLab"),
              tokenEnv);
      case GITEA ->
          new GiteaForge(
              api,
              repo,
              new Http(
                  client, s.timeout(), Map.of("Authorization", "token " + token), secrets, "Gitea"),
              tokenEnv);
      case LOCAL -> throw new IllegalStateException("unreachable: the local forge is made above");
    };
  }

  /**
   * The API the token goes to: the configured one; else the canonical host's, when the remote is on
   * it; else, when the token variable is configured, the usual API path on the remote's host; else
   * none.
   */
  private static URI api(Settings s, RemoteUrl repo, String[] vars) {
    if (s.apiUrl() != null) {
      URI u = s.apiUrl();
      if (u.getScheme() == null || !u.getScheme().matches("(?i)https?") || u.getHost() == null) {
        throw new ForgeException(
            0,
            "the forge URL "
                + RemoteUrl.shown(u.toString())
                + " is not an http:// or "
                + "https:// URL: set forge-url (or --forge-url) to the API's address");
      }
      return u;
    }
    URI canonical = s.kind().canonicalApi(repo.host());
    if (canonical != null) {
      return canonical;
    }
    if (s.tokenEnv() != null) {
      return s.kind().defaultApi(repo.host());
    }
    String usual = s.kind().usualTokenHost();
    throw new ForgeException(
        0,
        "the remote is on "
            + repo.host()
            + ", and grove sends "
            + String.join(" or ", vars)
            + " only to "
            + usual
            + ". To open "
            + s.kind()
            + " pull requests on "
            + repo.host()
            + ", set the API's "
            + "address (--forge-url, or forge-url under [run] in .grove/config.toml; e.g. "
            + s.kind().defaultApi(repo.host())
            + ") or the variable that holds a token for it (forge-token-env under [run])");
  }
}
