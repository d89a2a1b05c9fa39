package dev.grove.forge;

/**
 * The host and repository path of a git remote URL, in any of the usual forms:
 * {@code https://github.com/acme/shop.git}, {@code git@github.com:acme/shop.git},
 * {@code ssh://git@gitlab.example.com:2222/group/sub/shop.git}.
 */
public record RemoteUrl(String host, String path) {
  public RemoteUrl {
    if (host == null || host.isBlank() || path == null || !path.contains("/")) {
      throw new IllegalArgumentException("not a forge repository URL (host and owner/name expected)");
    }
  }

  public static RemoteUrl parse(String url) {
    String u = url.strip();
    String rest;
    if (u.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      rest = u.substring(u.indexOf("://") + 3);
      int at = rest.indexOf('@');
      int slash = rest.indexOf('/');
      if (at >= 0 && (slash < 0 || at < slash)) {
        rest = rest.substring(at + 1);
      }
      slash = rest.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("not a forge repository URL: " + url);
      }
      String host = rest.substring(0, slash);
      int colon = host.indexOf(':');
      if (colon >= 0) {
        host = host.substring(0, colon); // a port
      }
      return new RemoteUrl(host, clean(rest.substring(slash + 1), url));
    }
    int colon = u.indexOf(':');
    if (colon > 0 && !u.startsWith("/")) { // scp-like: user@host:owner/repo
      String host = u.substring(0, colon);
      int at = host.indexOf('@');
      return new RemoteUrl(at >= 0 ? host.substring(at + 1) : host, clean(u.substring(colon + 1), url));
    }
    throw new IllegalArgumentException("not a forge repository URL: " + url + " (a local path needs --forge local)");
  }

  private static String clean(String path, String url) {
    String p = path;
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.endsWith(".git")) {
      p = p.substring(0, p.length() - 4);
    }
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    if (!p.contains("/")) {
      throw new IllegalArgumentException("not a forge repository URL: " + url + " (owner/name expected)");
    }
    return p;
  }

  /** The owner (GitLab: the namespace, which may contain slashes). */
  public String owner() {
    return path.substring(0, path.lastIndexOf('/'));
  }

  public String name() {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
