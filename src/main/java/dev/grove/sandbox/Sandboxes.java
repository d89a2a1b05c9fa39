package dev.grove.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Makes sandboxes. The one place that knows the backends. */
public final class Sandboxes {
  private Sandboxes() {}

  /**
   * A sandbox of the given backend. For bubblewrap this finds bwrap, checks that it can create its
   * namespaces here, and finds how to cap processes and memory (all in a few milliseconds); keep
   * the sandbox and reuse it for many commands.
   *
   * @param hostEnv grove's environment: PATH locates the tools, and the policy's allowlist picks
   *     what commands see of it
   * @throws SandboxException.Unavailable when the backend cannot run here; the message says how to
   *     fix it
   */
  public static Sandbox create(Backend backend, SandboxPolicy policy, Map<String, String> hostEnv) {
    return switch (backend) {
      case BUBBLEWRAP -> BubblewrapSandbox.create(policy, hostEnv);
      case NONE -> new UnconfinedSandbox(policy, hostEnv);
    };
  }

  /**
   * The bubblewrap sandbox built up a layer at a time, for measuring what each layer costs ({@code
   * grove bench sandbox}), never for running an agent's commands: without the seccomp filter and
   * without limits; with the filter and without limits; and complete, as {@link #create} makes it.
   *
   * @throws SandboxException.Unavailable when bubblewrap cannot run here
   */
  public static List<Sandbox> bubblewrapLayers(SandboxPolicy policy, Map<String, String> hostEnv) {
    Bubblewrap bwrap = Bubblewrap.locate(hostEnv);
    bwrap.probe(hostEnv.get("PATH"));
    BubblewrapSandbox unlimited =
        new BubblewrapSandbox(
            bwrap, policy, hostEnv, new LimitMechanism.Unenforced("benchmark baseline"));
    return List.of(
        unlimited.withoutSeccomp(),
        unlimited,
        new BubblewrapSandbox(
            bwrap, policy, hostEnv, LimitMechanism.detect(hostEnv, Path.of("/proc"))));
  }

  /**
   * The backend to use when none was chosen: bubblewrap (Linux is the only platform grove confines
   * yet).
   */
  public static Backend defaultBackend() {
    return Backend.BUBBLEWRAP;
  }
}
