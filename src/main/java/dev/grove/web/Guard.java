package dev.grove.web;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;

/**
 * Who may talk to the dashboard, checked before every request, read or write:
 *
 * <ul>
 *   <li><b>the token</b> printed by {@code grove serve}: in an {@code Authorization: Bearer} header
 *       (scripts), or in the HttpOnly, SameSite=Strict cookie the page gets when it is opened with
 *       {@code ?token=} (which is then taken out of the address). The page's scripts never see it;
 *   <li><b>the Host</b>, when bound to loopback: only {@code 127.0.0.1}, {@code localhost} or
 *       {@code [::1]} at this port, so a web page that rebinds its own name to 127.0.0.1 (DNS
 *       rebinding) is refused;
 *   <li><b>the origin</b> of every request that changes something (POST): its {@code Origin} must
 *       be the dashboard's own, it must say it is JSON (which no form can), and a browser's {@code
 *       Sec-Fetch-Site} must say same-origin — against cross-site request forgery.
 * </ul>
 *
 * Every answer carries a strict Content-Security-Policy (scripts and styles from the dashboard
 * itself only), no caching, no referrer and no framing.
 */
final class Guard {
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
          + "frame-ancestors 'none'";

  private final byte[] token;
  private final String cookie;
  private final int port;
  private final boolean loopback;

  Guard(String token, int port, boolean loopback) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.cookie = "grove-" + port;
    this.port = port;
    this.loopback = loopback;
  }

  String cookieName() {
    return cookie;
  }

  /**
   * Checks a request; answers and halts it (throws {@link Refused}) when it may not go on. A page
   * opened with a good {@code ?token=} gets the cookie and is sent to the same address without it.
   */
  void check(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cache-Control", "no-store");
    if (loopback && !hostAllowed(ctx.header("Host"))) {
      throw new Refused(421, "this dashboard answers to 127.0.0.1 and localhost only");
    }
    String given = ctx.queryParam("token");
    if (given != null && ctx.method() == HandlerType.GET && !ctx.path().startsWith("/api/")) {
      if (!matches(given)) {
        throw new Refused(401, "wrong token: open the address grove serve printed");
      }
      ctx.header(
          "Set-Cookie",
          cookie + "=" + given + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000");
      ctx.redirect(ctx.path(), io.javalin.http.HttpStatus.SEE_OTHER);
      throw new Refused(303, null);
    }
    if (!matches(bearer(ctx)) && !matches(ctx.cookie(cookie))) {
      throw new Refused(
          401,
          "this dashboard needs its token: open the address grove serve printed, or send "
              + "Authorization: Bearer TOKEN");
    }
    if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD) {
      checkOrigin(ctx);
    }
  }

  private void checkOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    String site = ctx.header("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      throw new Refused(403, "refused: a request from another site (" + site + ")");
    }
    if (origin != null) {
      URI o;
      try {
        o = URI.create(origin);
      } catch (IllegalArgumentException e) {
        throw new Refused(403, "refused: a request from an unreadable origin");
      }
      String host = ctx.header("Host");
      if (host == null
          || o.getScheme() == null
          || !(o.getScheme() + "://" + o.getRawAuthority()).equalsIgnoreCase("http://" + host)) {
        throw new Refused(403, "refused: a request from another origin (" + origin + ")");
      }
    } else if (bearer(ctx) == null) {
      // a browser always says where a POST comes from; without it, only a script with the token
      throw new Refused(403, "refused: a change without an Origin needs Authorization: Bearer");
    }
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new Refused(415, "send changes as application/json");
    }
  }

  private boolean hostAllowed(String host) {
    if (host == null) {
      return false;
    }
    Set<String> ok = Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port);
    return ok.contains(host.toLowerCase(Locale.ROOT));
  }

  private static String bearer(Context ctx) {
    String h = ctx.header("Authorization");
    return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : null;
  }

  private boolean matches(String given) {
    return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
  }

  /** A request refused (or already answered, for a redirect), with its status and why. */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }
}
