package dev.grove.orchestrator;

import dev.grove.agent.Agent;
import dev.grove.agent.Checkpointer;
import dev.grove.agent.CodingTools;
import dev.grove.agent.Workspace;
import dev.grove.git.Checkpoints;
import dev.grove.git.Git;
import dev.grove.git.Shipping;
import dev.grove.git.Worktrees;
import dev.grove.model.ChatModel;
import dev.grove.model.ModelConfig;
import dev.grove.model.Models;
import dev.grove.sandbox.Backend;
import dev.grove.sandbox.Sandbox;
import dev.grove.sandbox.SandboxPolicy;
import dev.grove.sandbox.Sandboxes;
import dev.grove.secrets.Secrets;
import dev.grove.session.SessionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one repository's agents need, wired once with constructors: the git runner, worktrees,
 * checkpoints, the sandbox and model configuration. Makes a lane's agent from a worktree and a
 * model.
 */
public final class Workbench {

  /**
   * Where and how agents work.
   *
   * @param repo a path in the repository (its top is found)
   * @param modelSpec the model for agents (a {@code --model} flag), or null for GROVE_MODEL /
   *     config
   * @param baseUrl a {@code --base-url} override for the model's provider, or null
   */
  public record Settings(
      Path repo,
      Path groveHome,
      Path userHome,
      Map<String, String> env,
      Clock clock,
      Backend sandbox,
      String modelSpec,
      String baseUrl,
      Agent.Limits limits,
      CodingTools.Options tools,
      String setup) {
    public Settings {
      Objects.requireNonNull(repo, "repo");
      Objects.requireNonNull(groveHome, "groveHome");
      Objects.requireNonNull(userHome, "userHome");
      env = Map.copyOf(env);
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(sandbox, "sandbox");
      limits = limits == null ? Agent.Limits.defaults() : limits;
      tools = tools == null ? CodingTools.Options.defaults() : tools;
    }

    /** Without a setup command for new worktrees. */
    public Settings(
        Path repo,
        Path groveHome,
        Path userHome,
        Map<String, String> env,
        Clock clock,
        Backend sandbox,
        String modelSpec,
        String baseUrl,
        Agent.Limits limits,
        CodingTools.Options tools) {
      this(repo, groveHome, userHome, env, clock, sandbox, modelSpec, baseUrl, limits, tools, null);
    }
  }

  private final Settings settings;
  private final Git git;
  private final Worktrees worktrees;
  private final Checkpoints checkpoints;
  private final Shipping shipping;
  private final Secrets secrets;
  private final Sandbox sandbox;
  private final ModelConfig modelConfig;

  private final List<String> notices;

  private Workbench(
      Settings settings,
      Git git,
      Worktrees worktrees,
      Sandbox sandbox,
      ModelConfig modelConfig,
      List<String> notices) {
    this.settings = settings;
    this.notices = List.copyOf(notices);
    this.git = git;
    this.worktrees = worktrees;
    this.checkpoints = new Checkpoints(worktrees);
    this.shipping = new Shipping(worktrees);
    this.secrets = Secrets.of(settings.env(), modelConfig.keyVariables());
    this.sandbox = sandbox;
    this.modelConfig = modelConfig;
  }

  /**
   * Opens the repository: checks that it is one, makes GROVE_HOME (private to this user), keeps
   * {@code .grove} out of git, moves runs an earlier version kept in the checkout to the git
   * directory, and prepares the sandbox and the model configuration.
   */
  public static Workbench open(Settings s) {
    Git git = new Git(s.env()).withoutHooks();
    Worktrees plain = new Worktrees(s.repo(), s.groveHome(), git, s.clock());
    Path repo = plain.repository();
    makePrivateDirectory(s.groveHome());
    excludeGroveDirectory(plain);
    List<String> notices = new ArrayList<>();
    Runs.Migration migrated = Runs.migrate(git, repo, Runs.dirIn(plain.gitDir()));
    if (!migrated.moved().isEmpty()) {
      notices.add(
          "moved "
              + migrated.moved().size()
              + " run(s) from "
              + Runs.legacyDir(repo)
              + " to "
              + Runs.dirIn(plain.gitDir())
              + ", where no checkout or merge can reach them");
    }
    notices.addAll(migrated.warnings());
    notices.addAll(credentialWarnings(git, repo));
    if (s.tools().network()) {
      notices.add("agents' commands may use the network in this run (--network or [run] network)");
    }
    SandboxPolicy policy =
        SandboxPolicy.forDirectory(
            repo, s.userHome(), s.groveHome(), s.env().get("HOME"), notices::add);
    Sandbox sandbox = Sandboxes.create(s.sandbox(), policy, s.env());
    ProjectTrust trust = ProjectTrust.at(s.groveHome());
    Path includeList = repo.resolve(".groveinclude");
    if (!trust.trusts(includeList)) {
      notices.add(
          "ignoring "
              + includeList
              + ": it is not trusted (it decides which of your untracked files agents "
              + "get, and may have come with a branch or a clone); review it with `grove trust --show`, then `grove trust`");
    }
    Worktrees worktrees =
        plain.withSetupRunner(SandboxedSetup.runner(() -> sandbox)).withIncludes(trust::trusts);
    ModelConfig config =
        ModelConfig.load(
            ModelConfig.projectFile(repo),
            ModelConfig.userFile(s.env()).orElse(null),
            trust.trusts(ModelConfig.projectFile(repo)),
            notices::add);
    if (s.baseUrl() != null) {
      config = config.withBaseUrl(s.baseUrl());
    }
    return new Workbench(s, git, worktrees, sandbox, config, notices);
  }

  /**
   * Credentials kept in the repository's own git config — a token in a remote's URL, an {@code
   * http.extraheader} — said without the secret. grove keeps them from agents, but every other tool
   * that reads the repository sees them; a credential helper is the safer place.
   */
  public static List<String> credentialWarnings(Git git, Path repo) {
    dev.grove.git.GitResult r = git.probe(repo, List.of("config", "--local", "--null", "--list"));
    List<String> out = new ArrayList<>();
    if (!r.ok()) {
      return out;
    }
    for (String item : r.records()) {
      int nl = item.indexOf('\n');
      String key = (nl < 0 ? item : item.substring(0, nl)).toLowerCase(java.util.Locale.ROOT);
      String value = nl < 0 ? "" : item.substring(nl + 1);
      boolean urlWithSecret =
          (key.endsWith(".url") || key.endsWith(".pushurl") || key.startsWith("url."))
              && value.matches("(?s)[a-zA-Z][a-zA-Z0-9+.-]*://[^/@]*:[^/@]+@.*");
      boolean header = key.startsWith("http.") && key.endsWith(".extraheader");
      if (urlWithSecret || header) {
        out.add(
            "the repository's git config ("
                + key
                + ") holds a credential; every tool that reads the repository "
                + "sees it (grove keeps it from agents): prefer a credential helper (git help credential)");
      }
    }
    return out;
  }

  /**
   * What opening the repository found worth telling the user (a migration, files grove ignored).
   */
  public List<String> notices() {
    return notices;
  }

  public Settings settings() {
    return settings;
  }

  public Path repo() {
    return worktrees.repository();
  }

  public Git git() {
    return git;
  }

  public Worktrees worktrees() {
    return worktrees;
  }

  public Checkpoints checkpoints() {
    return checkpoints;
  }

  /**
   * Every secret in grove's environment (model keys, forge tokens, anything named like one): what
   * nothing grove stores, prints, commits or sends may contain.
   */
  public Secrets secrets() {
    return secrets;
  }

  /** Committing, pushing and merging lanes' work (the git side of shipping). */
  public Shipping shipping() {
    return shipping;
  }

  public Sandbox sandbox() {
    return sandbox;
  }

  /**
   * How new worktrees are made: from a commit already here (no fetch), with the setup command if
   * any.
   */
  public Worktrees.AddOptions addOptions() {
    Worktrees.AddOptions o = Worktrees.AddOptions.defaults().withFetch(false);
    return settings.setup() == null
        ? o
        : o.withSetup(
            List.of("/bin/sh", "-c", settings.setup()), Worktrees.AddOptions.DEFAULT_SETUP_TIMEOUT);
  }

  /**
   * Where this repository's runs live: {@code <git-common-dir>/grove/sessions} (see {@link Runs}).
   */
  public Path sessionsDir() {
    return Runs.dirIn(worktrees.gitDir());
  }

  /** A warning to show on every run, when commands are not sandboxed. */
  public Optional<String> sandboxWarning() {
    return sandbox.warning();
  }

  /** The model spec agents use: the given one, else the settings', else GROVE_MODEL or config. */
  public String modelSpec(String override) {
    return modelConfig.resolveSpec(
        override != null ? override : settings.modelSpec(), settings.env());
  }

  /**
   * The model spec agents will use, checked by making one model from it: a bad spec, a missing
   * script or a missing key fails here, before anything (a run, a worktree) is created for it.
   */
  public String checkedModelSpec(String override) {
    String spec = modelSpec(override);
    model(spec);
    return spec;
  }

  /** A new model instance (one per agent). */
  public ChatModel model(String spec) {
    return Models.create(spec, modelConfig, settings.env(), repo());
  }

  /**
   * The agent of one lane, working in {@code worktree}, with the coding tools and checkpoints;
   * before each model call it reads the messages and stop requests written on its lane ({@link
   * Steering}).
   */
  public Agent agent(
      SessionStore session, String lane, Path worktree, ChatModel model, Agent.Listener listener) {
    CodingTools tools =
        new CodingTools(
            new Workspace(worktree),
            sandbox,
            () -> files(worktree),
            settings.clock(),
            settings.tools());
    return new Agent(
        session,
        lane,
        model,
        tools.redacting(secrets::redact),
        checkpointer(worktree, session.header().id()),
        settings.limits(),
        settings.clock(),
        listener,
        new LaneInbox(session, lane));
  }

  /**
   * Checkpoints of {@code worktree} for the agent loop, which keeps each snapshot right after
   * appending its entry: the snapshot's ref moves with the keep, in one git process.
   */
  Checkpointer checkpointer(Path worktree, String sessionId) {
    return new Checkpointer() {
      @Override
      public Snapshot snapshot() {
        dev.grove.git.Checkpoint c = checkpoints.snapshotToKeep(worktree);
        return new Snapshot(c.commit(), c.notice());
      }

      @Override
      public void keep(String commit, String entryId) {
        checkpoints.keep(worktree, commit, sessionId, entryId);
      }
    };
  }

  /** The worktree's files as git sees them: tracked and untracked, without ignored ones. */
  List<String> files(Path worktree) {
    return worktrees.files(worktree);
  }

  private static void makePrivateDirectory(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        try {
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create GROVE_HOME " + dir, e);
    }
  }

  /**
   * Keeps {@code .grove} (project config) out of the user's own commits, via {@code info/exclude}:
   * the pattern {@code /.grove} without a trailing slash, so a file or a symbolic link of that name
   * is excluded too, not only a directory. (Shipping never commits it whatever the ignore rules
   * say.)
   */
  private static void excludeGroveDirectory(Worktrees worktrees) {
    Path exclude = worktrees.gitDir().resolve("info").resolve("exclude");
    try {
      String now = Files.exists(exclude) ? Files.readString(exclude) : "";
      if (!now.lines().anyMatch(l -> l.strip().equals("/.grove"))) {
        Files.createDirectories(exclude.getParent());
        Files.writeString(
            exclude,
            (now.isEmpty() || now.endsWith("\n") ? "" : "\n") + "/.grove\n",
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot update " + exclude, e);
    }
  }

  /** How long a verification command may take. */
  static final Duration VERIFY_TIMEOUT = Duration.ofMinutes(20);

  /**
   * How long shipping's git commands (a commit of a large change, a push over a slow link) may
   * take.
   */
  static final Duration SHIP_TIMEOUT = Duration.ofMinutes(10);
}
