package dev.grove.sandbox;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The files of /proc and /sys that act on the whole host rather than the command's namespaces, and
 * what the sandbox makes of them: read-only, or hidden (after what container runtimes mask). This
 * matters most when grove runs as root: commands are then uid 0 on the host whatever their uid
 * inside, and the kernel checks that uid, not capabilities, for files such as {@code
 * /proc/sys/kernel/core_pattern}. bubblewrap's own protection of /proc/sys is skipped in that case
 * (it tests the directory, which is read-only, rather than the files in it). The rest of /sys is
 * read-only with the host root.
 */
final class KernelFiles {
  /** Kernel settings and triggers: readable, never writable. */
  static final List<Path> READ_ONLY =
      paths("/proc/sys", "/proc/sysrq-trigger", "/proc/bus", "/proc/fs", "/proc/irq");

  /** Kernel memory, addresses, keys, timers and firmware: not readable at all. */
  static final List<Path> HIDDEN =
      paths(
          "/proc/kcore",
          "/proc/kmsg",
          "/proc/kallsyms",
          "/proc/keys",
          "/proc/key-users",
          "/proc/timer_list",
          "/proc/timer_stats",
          "/proc/latency_stats",
          "/proc/sched_debug",
          "/proc/kpagecount",
          "/proc/kpageflags",
          "/proc/kpagecgroup",
          "/proc/slabinfo",
          "/proc/vmallocinfo",
          "/proc/pagetypeinfo",
          "/proc/acpi",
          "/proc/scsi",
          "/proc/asound",
          "/sys/firmware",
          "/sys/kernel/security",
          "/sys/kernel/debug",
          "/sys/devices/virtual/powercap");

  private KernelFiles() {}

  /**
   * bwrap's arguments, to follow {@code --proc /proc}: only for what exists on this kernel (the
   * sandbox's /proc is a new mount of the same kernel's, so it has the same entries). A read-only
   * entry is bound from the host's /proc: what /proc/sys shows depends on the namespaces of the
   * process reading it, not on the mount, so the command still sees its own network, UTS and IPC
   * settings.
   */
  static List<String> bwrapArgs() {
    List<String> args = new ArrayList<>();
    List<String> remount = new ArrayList<>();
    for (Path p : READ_ONLY) {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        args.addAll(List.of("--ro-bind", p.toString(), p.toString()));
      }
    }
    for (Path p : HIDDEN) {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        args.addAll(List.of("--tmpfs", p.toString()));
        remount.addAll(List.of("--remount-ro", p.toString()));
      } else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        args.addAll(List.of("--ro-bind", "/dev/null", p.toString()));
      }
    }
    args.addAll(remount);
    return args;
  }

  private static List<Path> paths(String... names) {
    return Arrays.stream(names).map(Path::of).toList();
  }
}
