package dev.grove.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What {@code grove doctor} asks of the sandbox: is bubblewrap here, can it run, how are limits enforced. */
public final class SandboxDoctor {
  public enum Status { OK, WARN, FAIL }

  /**
   * @param fix what to do, or empty when there is nothing to do
   */
  public record Finding(String name, Status status, String detail, String fix) {}

  private SandboxDoctor() {}

  /** Checks this machine, using {@code env}'s PATH to find the tools. Takes a few milliseconds. */
  public static List<Finding> check(Map<String, String> env) {
    List<Finding> findings = new ArrayList<>();
    Bubblewrap bwrap;
    try {
      bwrap = Bubblewrap.locate(env);
    } catch (SandboxException.Unavailable e) {
      findings.add(new Finding("bubblewrap", Status.FAIL, e.problem(), e.fix()));
      return findings;
    }
    findings.add(bwrap.disableUserns()
        ? new Finding("bubblewrap", Status.OK, bwrap.version() + " (" + bwrap.executable() + ")", "")
        : new Finding("bubblewrap", Status.WARN, bwrap.version() + " (" + bwrap.executable() + "): older than 0.8.0, "
            + "so commands may create user namespaces of their own" + (bwrap.tmpfsSize() ? "" : " and their private "
            + "/tmp and home are not bounded"), "Upgrade bubblewrap to 0.8.0 or newer (Debian 12, Ubuntu 24.04 have it)."));
    try {
      bwrap.probe(env.get("PATH"));
      findings.add(new Finding("namespaces", Status.OK,
          "bubblewrap can create user, PID, network, IPC, UTS and cgroup namespaces here", ""));
    } catch (SandboxException.Unavailable e) {
      findings.add(new Finding("namespaces", Status.FAIL, e.problem(), e.fix()));
    }
    LimitMechanism limits = LimitMechanism.detect(env, Path.of("/proc"));
    findings.add(new Finding("limits", limits instanceof LimitMechanism.Cgroups ? Status.OK : Status.WARN,
        limits.describe(), limits.advice().orElse("")));
    return findings;
  }
}
