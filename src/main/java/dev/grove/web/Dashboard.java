package dev.grove.web;

import dev.grove.orchestrator.OrchestratorException;
import dev.grove.orchestrator.Workbench;
import dev.grove.secrets.Secrets;
import dev.grove.session.SessionException;
import dev.grove.session.catalog.Places;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@code grove serve}: a live dashboard of every run of every repository grove has run in on this
 * machine — a JSON API ({@code docs/api.md}), server-sent events, and a page served from the jar.
 * Bound to 127.0.0.1 by default; every request needs the token (see {@link Guard}).
 *
 * <pre>
 * try (Dashboard d = Dashboard.start(settings)) {
 *   out.println(d.url());   // http://127.0.0.1:PORT/?token=…
 *   …
 * }
 * </pre>
 */
public final class Dashboard implements AutoCloseable {
  /**
   * How the dashboard runs.
   *
   * @param host the address to listen on (127.0.0.1 by default; anything else is reachable from
   *     elsewhere, over plain HTTP)
   * @param port 0 for any free port
   * @param repositories repositories to show besides those in the registry
   * @param token the token every request needs; null for a new random one
   * @param workbenches opens a repository's workbench, for diffs and actions
   * @param sessionPlaces where to find other tools' sessions for the Sessions view ({@code
   *     Places.usual} of the server's home; empty for none); the known repositories' runs are
   *     listed there too
   */
  public record Settings(
      String host,
      int port,
      Path groveHome,
      List<Path> repositories,
      Secrets secrets,
      String token,
      Function<Path, Workbench> workbenches,
      List<Places.Root> sessionPlaces) {
    public Settings {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(groveHome, "groveHome");
      repositories = List.copyOf(repositories);
      Objects.requireNonNull(secrets, "secrets");
      Objects.requireNonNull(workbenches, "workbenches");
      sessionPlaces = List.copyOf(sessionPlaces);
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--port must be 0 to 65535, not " + port);
      }
      if (token != null && token.length() < 16) {
        throw new IllegalArgumentException("a token must have at least 16 characters");
      }
    }
  }

  private final Javalin app;
  private final Library library;
  private final Live live;
  private final String token;
  private final String host;

  private Dashboard(Javalin app, Library library, Live live, String token, String host) {
    this.app = app;
    this.library = library;
    this.live = live;
    this.token = token;
    this.host = host;
  }

  /** Starts the server; returns once it listens. */
  public static Dashboard start(Settings s) {
    String token = s.token() != null ? s.token() : newToken();
    boolean loopback = isLoopback(s.host());
    Library library = new Library(s.groveHome(), s.repositories(), s.workbenches());
    Views views = new Views(s.secrets());
    Shelf shelf =
        new Shelf(
            s.groveHome(),
            s.sessionPlaces(),
            () ->
                library.repositories().stream()
                    .filter(k -> !k.missing())
                    .map(k -> new Places.Root(k.runs(), 1))
                    .toList());
    Api api = new Api(library, shelf, views, s.secrets());
    Live live = new Live(api::runsSignature, api::runsView, api::runSignature, api::runView);
    Map<String, Asset> assets = Asset.load();
    Guard[] guard = new Guard[1];
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.concurrency.useVirtualThreads = true;
              config.http.compressionStrategy = CompressionStrategy.GZIP;
              config.http.maxRequestSize = 1 << 20;
              routes(config.routes, api, live, assets, guard);
            });
    try {
      app.start(s.host(), s.port());
    } catch (RuntimeException e) {
      live.close();
      library.close();
      throw new IllegalStateException(
          "cannot listen on " + s.host() + ":" + s.port() + ": " + e.getMessage(), e);
    }
    guard[0] = new Guard(token, app.port(), loopback);
    return new Dashboard(app, library, live, token, s.host());
  }

  private static void routes(
      RoutesConfig r, Api api, Live live, Map<String, Asset> assets, Guard[] guard) {
    r.before(
        ctx -> {
          Guard g = guard[0];
          if (g == null) {
            throw new Guard.Refused(503, "starting");
          }
          g.check(ctx);
        });
    r.exception(
        Guard.Refused.class,
        (e, ctx) -> {
          if (e.status != 303) {
            Api.error(ctx, e.status, e.getMessage());
          }
        });
    r.exception(Library.NotFound.class, (e, ctx) -> Api.error(ctx, 404, e.getMessage()));
    r.exception(Shelf.Unavailable.class, (e, ctx) -> Api.error(ctx, e.status, e.getMessage()));
    r.exception(
        OrchestratorException.NotFound.class, (e, ctx) -> Api.error(ctx, 404, e.getMessage()));
    r.exception(
        SessionException.NoSuchEntry.class, (e, ctx) -> Api.error(ctx, 404, e.getMessage()));
    r.exception(OrchestratorException.Busy.class, (e, ctx) -> Api.error(ctx, 409, e.getMessage()));
    r.exception(
        OrchestratorException.Invalid.class, (e, ctx) -> Api.error(ctx, 422, e.getMessage()));
    r.exception(OrchestratorException.class, (e, ctx) -> Api.error(ctx, 409, e.getMessage()));
    r.exception(IllegalArgumentException.class, (e, ctx) -> Api.error(ctx, 400, e.getMessage()));
    r.exception(
        Exception.class,
        (e, ctx) ->
            Api.error(
                ctx,
                500,
                "grove failed: "
                    + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())));

    r.get("/api/runs", api::runs);
    r.sse("/api/events", live::watchRuns);
    r.get("/api/runs/{run}", api::run);
    r.sse("/api/runs/{run}/events", client -> live.watchRun(client.ctx().pathParam("run"), client));
    r.get("/api/runs/{run}/tree", api::tree);
    r.get("/api/runs/{run}/entries", api::previews);
    r.get("/api/runs/{run}/entries/{id}", api::entry);
    r.get("/api/runs/{run}/entries/{id}/context", api::context);
    r.get("/api/runs/{run}/entries/{id}/diff", api::entryDiff);
    r.post("/api/runs/{run}/entries/{id}/label", api::label);
    r.get("/api/runs/{run}/search", api::search);
    r.get("/api/runs/{run}/compare", api::compare);
    r.post("/api/runs/{run}/fork", api::fork);
    r.post("/api/runs/{run}/clean", api::clean);
    r.get("/api/runs/{run}/lanes/{lane}/diff", api::laneDiff);
    r.post("/api/runs/{run}/lanes/{lane}/stop", api::stop);
    r.post("/api/runs/{run}/lanes/{lane}/say", api::say);
    r.post("/api/runs/{run}/lanes/{lane}/pull-request", api::pullRequest);
    r.get("/api/runs/{run}/lanes/{lane}/merge-check", api::mergeCheck);
    r.post("/api/runs/{run}/lanes/{lane}/merge", api::merge);
    r.get("/api/sessions", api::sessions);
    r.get("/api/sessions/{key}/tree", api::sessionTree);
    r.get("/api/sessions/{key}/entries", api::sessionPreviews);
    r.get("/api/sessions/{key}/entries/{id}", api::sessionEntry);
    r.get("/api/sessions/{key}/entries/{id}/context", api::sessionContext);
    r.get("/api/sessions/{key}/search", api::sessionSearch);
    for (Map.Entry<String, Asset> a : assets.entrySet()) {
      r.get(
          a.getKey(),
          ctx -> {
            ctx.contentType(a.getValue().type());
            ctx.result(a.getValue().bytes());
          });
    }
  }

  /** The address to open: the dashboard with its token (which the page then keeps in a cookie). */
  public URI url() {
    return URI.create(address() + "/?token=" + token);
  }

  /** The dashboard's address, without the token. */
  public URI address() {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return URI.create("http://" + h + ":" + app.port());
  }

  public int port() {
    return app.port();
  }

  /** The token every request needs ({@code Authorization: Bearer TOKEN} for scripts). */
  public String token() {
    return token;
  }

  /** Whether it listens on a loopback address only. */
  public boolean loopback() {
    return isLoopback(host);
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String newToken() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /**
   * Stops the server; lanes this process was running (forks started from the page) stop and record
   * it.
   */
  @Override
  public void close() {
    try {
      live.close();
      app.stop();
    } finally {
      library.close();
    }
  }

  /** A file of the page, read from the jar once. */
  record Asset(String type, byte[] bytes) {
    static final String ROOT = "/dev/grove/web/";

    /** The page's files: path served → file in the jar. */
    static final Map<String, String> FILES =
        Map.ofEntries(
            Map.entry("/", "index.html"),
            Map.entry("/app.js", "app.js"),
            Map.entry("/tree.js", "tree.js"),
            Map.entry("/app.css", "app.css"),
            Map.entry(
                "/vendor/diff2html/diff2html-ui-slim.min.js",
                "vendor/diff2html/diff2html-ui-slim.min.js"),
            Map.entry("/vendor/diff2html/diff2html.min.css", "vendor/diff2html/diff2html.min.css"));

    static Map<String, Asset> load() {
      Map<String, Asset> out = new HashMap<>();
      for (Map.Entry<String, String> f : FILES.entrySet()) {
        try (InputStream in = Dashboard.class.getResourceAsStream(ROOT + f.getValue())) {
          if (in == null) {
            throw new IllegalStateException("the page is missing from the jar: " + f.getValue());
          }
          out.put(f.getKey(), new Asset(type(f.getValue()), in.readAllBytes()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return out;
    }

    private static String type(String file) {
      if (file.endsWith(".html")) {
        return "text/html; charset=utf-8";
      }
      if (file.endsWith(".js")) {
        return "text/javascript; charset=utf-8";
      }
      if (file.endsWith(".css")) {
        return "text/css; charset=utf-8";
      }
      return "application/octet-stream";
    }
  }
}
