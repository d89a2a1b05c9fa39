package dev.grove.sandbox;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The seccomp filter every sandboxed command runs under: a classic BPF program, built here, that
 * bwrap installs just before it executes the command ({@code --seccomp FD}). It denies, with EPERM,
 * the system calls no build needs and that reach the host's kernel as a whole rather than the
 * command's namespaces: loading kernel code, the kernel keyring, BPF and perf, mounting, swap,
 * reboot, the clock, file handles, userfaultfd, io_uring, the kernel log, new user namespaces (also
 * when bwrap is too old for {@code --disable-userns}) and the personality flags that switch off
 * address randomization. {@code clone3} gets ENOSYS, so that C libraries fall back to {@code
 * clone}, whose flags the filter can read. {@code ptrace} stays allowed: the PID namespace already
 * keeps it to the command's own processes, and debuggers need it.
 *
 * <p>The filter checks the architecture first: a system call made with another ABI (32-bit calls on
 * a 64-bit kernel, x32 on x86_64) kills the process, since the numbers below would not match it.
 * Only x86_64 and aarch64 have a filter; elsewhere commands run without one ({@link
 * #forThisMachine}).
 */
final class Seccomp {
  /** What the denied calls return: EPERM, as if the command lacked the privilege (it does). */
  private static final int EPERM = 1;

  private static final int ENOSYS = 38;
  private static final int RET_ALLOW = 0x7fff0000;
  private static final int RET_ERRNO = 0x00050000;
  private static final int RET_KILL_PROCESS = 0x80000000;
  private static final int CLONE_NEWUSER = 0x10000000;

  /**
   * personality(2) values that change nothing dangerous: Linux, 32-bit uname, 2.6-style uname, a
   * query.
   */
  private static final List<Integer> HARMLESS_PERSONAS =
      List.of(0x0, 0x8, 0x20000, 0x20008, 0xffffffff);

  /** The architectures with a filter, with their {@code AUDIT_ARCH_*} value. */
  enum Arch {
    X86_64(0xc000003e, "x86_64"),
    AARCH64(0xc00000b7, "aarch64");

    final int audit;
    final String label;

    Arch(int audit, String label) {
      this.audit = audit;
      this.label = label;
    }

    /** The architecture of a JVM's {@code os.arch}, if it has a filter. */
    static Optional<Arch> of(String osArch) {
      return switch (osArch.toLowerCase(Locale.ROOT)) {
        case "amd64", "x86_64" -> Optional.of(X86_64);
        case "aarch64", "arm64" -> Optional.of(AARCH64);
        default -> Optional.empty();
      };
    }
  }

  /** What the filter does with a system call it names. */
  enum Rule {
    /** EPERM, as if the command lacked the privilege (it does). */
    DENY,
    /** ENOSYS: C libraries then fall back to an older call whose arguments the filter can read. */
    NOT_IMPLEMENTED,
    /** EPERM when the flags (the first argument) ask for a new user namespace. */
    NO_NEW_USER_NAMESPACE,
    /**
     * EPERM for anything but the harmless personalities: no switching address randomization off.
     */
    HARMLESS_PERSONA_ONLY
  }

  /**
   * The system calls the filter names, with their numbers on x86_64 and aarch64 (-1: not on that
   * one).
   */
  enum Call {
    KEXEC_LOAD(246, 104),
    KEXEC_FILE_LOAD(320, 294),
    INIT_MODULE(175, 105),
    FINIT_MODULE(313, 273),
    DELETE_MODULE(176, 106),
    BPF(321, 280),
    PERF_EVENT_OPEN(298, 241),
    KEYCTL(250, 219),
    ADD_KEY(248, 217),
    REQUEST_KEY(249, 218),
    MOUNT(165, 40),
    UMOUNT2(166, 39),
    PIVOT_ROOT(155, 41),
    OPEN_TREE(428, 428),
    MOVE_MOUNT(429, 429),
    FSOPEN(430, 430),
    FSCONFIG(431, 431),
    FSMOUNT(432, 432),
    FSPICK(433, 433),
    MOUNT_SETATTR(442, 442),
    SETNS(308, 268),
    SWAPON(167, 224),
    SWAPOFF(168, 225),
    REBOOT(169, 142),
    ACCT(163, 89),
    SETTIMEOFDAY(164, 170),
    CLOCK_SETTIME(227, 112),
    CLOCK_ADJTIME(305, 266),
    OPEN_BY_HANDLE_AT(304, 265),
    NAME_TO_HANDLE_AT(303, 264),
    USERFAULTFD(323, 282),
    IO_URING_SETUP(425, 425),
    IO_URING_ENTER(426, 426),
    IO_URING_REGISTER(427, 427),
    SYSLOG(103, 116),
    QUOTACTL(179, 60),
    QUOTACTL_FD(443, 443),
    LOOKUP_DCOOKIE(212, 18),
    IOPL(172, -1),
    IOPERM(173, -1),
    USELIB(134, -1),
    SYSCTL(156, -1),
    CLONE3(
        435, 435, Rule.NOT_IMPLEMENTED), // its flags are behind a pointer the filter cannot follow
    CLONE(56, 220, Rule.NO_NEW_USER_NAMESPACE),
    UNSHARE(272, 97, Rule.NO_NEW_USER_NAMESPACE),
    PERSONALITY(135, 92, Rule.HARMLESS_PERSONA_ONLY);

    private final int x86_64;
    private final int aarch64;
    final Rule rule;

    Call(int x86_64, int aarch64) {
      this(x86_64, aarch64, Rule.DENY);
    }

    Call(int x86_64, int aarch64, Rule rule) {
      this.x86_64 = x86_64;
      this.aarch64 = aarch64;
      this.rule = rule;
    }

    /** The call's number on {@code arch}, or -1 where it does not exist. */
    int number(Arch arch) {
      return switch (arch) {
        case X86_64 -> x86_64;
        case AARCH64 -> aarch64;
      };
    }
  }

  private Seccomp() {}

  /**
   * The filter for the architecture grove runs on, or empty where there is none (see the class
   * comment).
   */
  static Optional<byte[]> forThisMachine() {
    return Arch.of(System.getProperty("os.arch", "")).map(Seccomp::program);
  }

  /** What the filter does here, in a few words: for descriptions and {@code grove doctor}. */
  static String describe() {
    String arch = System.getProperty("os.arch", "?");
    return Arch.of(arch)
        .map(a -> "seccomp: " + deniedCount(a) + " system calls denied (" + a.label + ")")
        .orElse("seccomp: no filter for " + arch + " (only x86_64 and aarch64 have one)");
  }

  /** How many system calls the filter denies outright on {@code arch}. */
  static int deniedCount(Arch arch) {
    return (int)
        Arrays.stream(Call.values())
            .filter(c -> c.rule == Rule.DENY && c.number(arch) >= 0)
            .count();
  }

  /**
   * The program as the kernel's {@code struct sock_filter[]}: 8 bytes per instruction, native
   * order.
   */
  static byte[] program(Arch arch) {
    Assembler a = new Assembler();
    a.load(Assembler.ARCH);
    a.jumpIf(Assembler.JEQ, arch.audit, null, "kill");
    a.load(Assembler.NR);
    if (arch == Arch.X86_64) {
      a.jumpIf(Assembler.JGE, 0x40000000, "kill", null); // the x32 ABI: same calls, other numbers
    }
    for (Call call : Call.values()) {
      if (call.number(arch) >= 0) {
        a.jumpIf(
            Assembler.JEQ,
            call.number(arch),
            switch (call.rule) {
              case DENY -> "eperm";
              case NOT_IMPLEMENTED -> "enosys";
              case NO_NEW_USER_NAMESPACE -> "namespaces";
              case HARMLESS_PERSONA_ONLY -> "persona";
            },
            null);
      }
    }
    a.ret(RET_ALLOW);

    a.label("namespaces"); // flags are the first argument of both, on both architectures
    a.load(Assembler.ARG0_LOW);
    a.jumpIf(Assembler.JSET, CLONE_NEWUSER, "eperm", "allow");

    a.label("persona");
    a.load(Assembler.ARG0_LOW);
    for (int persona : HARMLESS_PERSONAS) {
      a.jumpIf(Assembler.JEQ, persona, "allow", null);
    }
    a.ret(RET_ERRNO | EPERM);

    a.label("allow");
    a.ret(RET_ALLOW);
    a.label("eperm");
    a.ret(RET_ERRNO | EPERM);
    a.label("enosys");
    a.ret(RET_ERRNO | ENOSYS);
    a.label("kill");
    a.ret(RET_KILL_PROCESS);
    return a.assemble();
  }

  /**
   * Just enough of a classic-BPF assembler: loads from seccomp_data, conditional jumps to labels,
   * returns.
   */
  private static final class Assembler {
    /**
     * Offsets in {@code struct seccomp_data}: nr, arch, then args[6] as 64-bit values
     * (little-endian).
     */
    static final int NR = 0;

    static final int ARCH = 4;
    static final int ARG0_LOW = 16;

    static final short LD_W_ABS = 0x20;
    static final short JEQ = 0x15;
    static final short JGE = 0x35;
    static final short JSET = 0x45;
    static final short RET_K = 0x06;

    private record Insn(short code, String ifTrue, String ifFalse, int k) {}

    private final List<Insn> code = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();

    void load(int offset) {
      code.add(new Insn(LD_W_ABS, null, null, offset));
    }

    /** A conditional jump; a null target is the next instruction. */
    void jumpIf(short op, int k, String ifTrue, String ifFalse) {
      code.add(new Insn(op, ifTrue, ifFalse, k));
    }

    void ret(int action) {
      code.add(new Insn(RET_K, null, null, action));
    }

    void label(String name) {
      labels.put(name, code.size());
    }

    byte[] assemble() {
      ByteBuffer out = ByteBuffer.allocate(code.size() * 8).order(ByteOrder.nativeOrder());
      for (int i = 0; i < code.size(); i++) {
        Insn insn = code.get(i);
        out.putShort(insn.code());
        out.put(offset(i, insn.ifTrue()));
        out.put(offset(i, insn.ifFalse()));
        out.putInt(insn.k());
      }
      return out.array();
    }

    /**
     * A jump's offset from the instruction after {@code from}; BPF jumps only forward, at most 255.
     */
    private byte offset(int from, String label) {
      if (label == null) {
        return 0;
      }
      Integer to = labels.get(label);
      if (to == null || to <= from || to - from - 1 > 255) {
        throw new IllegalStateException(
            "seccomp program: cannot jump from " + from + " to " + label + " (" + to + ")");
      }
      return (byte) (to - from - 1);
    }
  }
}
