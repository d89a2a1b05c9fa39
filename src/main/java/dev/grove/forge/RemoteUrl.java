package dev.grove.forge;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host and repository path of a git remote URL, in any of the usual forms: {@code
 * https://github.com/acme/shop.git}, {@code git@github.com:acme/shop.git}, {@code
 * ssh://git@gitlab.example.com:2222/group/sub/shop.git}.
 *
 * <p>API paths are built from it, so it is checked: the host is a host name or an IP address, and
 * each segment of the path is a plain name (letters, digits, {@code .}, {@code _}, {@code -},
 * {@code +}; not {@code .} or {@code ..}). A remote such as {@code
 * https://gitea.example.com/org/../../admin/users?x=#/repo.git} is refused, not sent on with the
 * token.
 */
public record RemoteUrl(String host, String path) {
  private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://");
  private static final Pattern HOST =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+]");
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._+-]+");
  private static final Pattern USER_INFO = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:%-]*");

  public RemoteUrl {
    if (host == null || host.isBlank() || path == null || !path.contains("/")) {
      throw new IllegalArgumentException("a host and an owner/name path are expected");
    }
    if (!HOST.matcher(host).matches()) {
      throw new IllegalArgumentException("'" + printable(host) + "' is not a host name");
    }
    for (String segment : path.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "the repository path has a part '"
                + printable(segment)
                + "' that is not "
                + "a plain name (letters, digits, '.', '_', '-' or '+'; not '.' or '..')");
      }
    }
  }

  public static RemoteUrl parse(String url) {
    String u = url.strip();
    String host;
    String path;
    Matcher scheme = SCHEME.matcher(u);
    int colon = u.indexOf(':');
    if (scheme.find()) {
      String rest = u.substring(scheme.end());
      int slash = rest.indexOf('/');
      int at = rest.lastIndexOf('@', slash < 0 ? rest.length() - 1 : slash);
      if (at >= 0) {
        if (!USER_INFO.matcher(rest.substring(0, at)).matches()) {
          // a parser that reads the host differently (a backslash as a slash) would push elsewhere
          throw new IllegalArgumentException(
              "not a forge repository URL: "
                  + shown(url)
                  + " (its user part holds characters a URL may not have there)");
        }
        rest = rest.substring(at + 1);
      }
      slash = rest.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("not a forge repository URL: " + shown(url));
      }
      host = rest.substring(0, slash);
      int port =
          host.startsWith("[")
              ? host.indexOf(':', Math.max(0, host.indexOf(']')))
              : host.indexOf(':');
      host = port >= 0 ? host.substring(0, port) : host;
      path = clean(rest.substring(slash + 1), url);
    } else if (colon > 0 && !u.startsWith("/")) { // scp-like: user@host:owner/repo
      host = u.substring(0, colon);
      host = host.substring(host.lastIndexOf('@') + 1);
      path = clean(u.substring(colon + 1), url);
    } else {
      throw new IllegalArgumentException(
          "not a forge repository URL: " + shown(url) + " (a local path needs --forge local)");
    }
    try {
      return new RemoteUrl(host, path);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not a forge repository URL: " + shown(url) + ": " + e.getMessage());
    }
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
      throw new IllegalArgumentException(
          "not a forge repository URL: " + shown(url) + " (owner/name expected)");
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

  /** The segments of the path, each a plain name. */
  public List<String> segments() {
    return List.of(path.split("/"));
  }

  /**
   * {@code url} as it may be shown or recorded: without the user information of an http(s) URL
   * ({@code https://x-access-token:TOKEN@github.com/…} or {@code https://TOKEN@…}) and without a
   * password in any other ({@code ssh://git@host/…} keeps its user name, which is not a secret).
   * Anything else, a local path or {@code git@host:owner/name} included, is returned as it is.
   */
  public static String withoutCredentials(String url) {
    if (url == null) {
      return null;
    }
    Matcher scheme = SCHEME.matcher(url);
    if (!scheme.find()) {
      return url;
    }
    int start = scheme.end();
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    int at = url.lastIndexOf('@', end - 1);
    if (at < start) {
      return url;
    }
    String user = url.substring(start, at);
    boolean web = scheme.group(1).toLowerCase(Locale.ROOT).startsWith("http");
    return web || user.contains(":") ? url.substring(0, start) + url.substring(at + 1) : url;
  }

  /** A remote URL for a message: without credentials, and {@linkplain #printable printable}. */
  static String shown(String url) {
    return printable(withoutCredentials(url));
  }

  /**
   * Text from a remote URL for a message: control characters (a terminal's escape sequences) shown
   * as '?'.
   */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return sb.toString();
  }
}
