package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.sandbox.Seccomp.Arch;
import dev.grove.sandbox.Seccomp.Call;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The filter's decisions, for every architecture it is built for, read by running the program in a
 * small classic-BPF interpreter (the live filter on this machine's kernel is tested in {@link
 * KernelContainmentTest}).
 */
class SeccompTest {
  static final int ALLOW = 0x7fff0000;
  static final int EPERM = 0x00050001;
  static final int ENOSYS = 0x00050026;
  static final int KILL = 0x80000000;
  static final int READ_X86_64 = 0;
  static final int READ_AARCH64 = 63;

  @ParameterizedTest
  @EnumSource(Arch.class)
  void everyDeniedCallGetsEpermAndOrdinaryCallsPass(Arch arch) {
    byte[] program = Seccomp.program(arch);
    assertThat(program.length % 8).isZero();
    for (Call call : Call.values()) {
      if (call.rule == Seccomp.Rule.DENY && call.number(arch) >= 0) {
        assertThat(run(program, arch.audit, call.number(arch), 0)).as(call.name()).isEqualTo(EPERM);
      }
    }
    int read = arch == Arch.X86_64 ? READ_X86_64 : READ_AARCH64;
    assertThat(run(program, arch.audit, read, 0)).isEqualTo(ALLOW);
  }

  @ParameterizedTest
  @EnumSource(Arch.class)
  void aNewUserNamespaceIsRefusedButOtherClonesAndUnsharesPass(Arch arch) {
    byte[] program = Seccomp.program(arch);
    int newUser = 0x10000000;
    int thread = 0x00010000 | 0x00000100 | 0x00000800; // CLONE_THREAD | CLONE_VM | CLONE_SIGHAND
    for (Call call : new Call[] {Call.CLONE, Call.UNSHARE}) {
      assertThat(run(program, arch.audit, call.number(arch), newUser | 0x00020000))
          .as(call.name())
          .isEqualTo(EPERM);
      assertThat(run(program, arch.audit, call.number(arch), thread))
          .as(call.name())
          .isEqualTo(ALLOW);
    }
    assertThat(run(program, arch.audit, Call.CLONE3.number(arch), 0)).isEqualTo(ENOSYS);
  }

  @ParameterizedTest
  @EnumSource(Arch.class)
  void onlyHarmlessPersonalitiesAreAllowed(Arch arch) {
    byte[] program = Seccomp.program(arch);
    int personality = Call.PERSONALITY.number(arch);
    assertThat(run(program, arch.audit, personality, 0)).isEqualTo(ALLOW);
    assertThat(run(program, arch.audit, personality, 0xffffffff)).isEqualTo(ALLOW); // a query
    assertThat(run(program, arch.audit, personality, 0x0040000))
        .isEqualTo(EPERM); // ADDR_NO_RANDOMIZE
    assertThat(run(program, arch.audit, personality, 0x0400000))
        .isEqualTo(EPERM); // READ_IMPLIES_EXEC
  }

  @ParameterizedTest
  @EnumSource(Arch.class)
  void aCallInAnotherAbiKillsTheProcess(Arch arch) {
    byte[] program = Seccomp.program(arch);
    int i386 = 0x40000003;
    int arm = 0x40000028;
    assertThat(run(program, arch == Arch.X86_64 ? i386 : arm, 1, 0)).isEqualTo(KILL);
    if (arch == Arch.X86_64) {
      assertThat(run(program, arch.audit, 0x40000000 | Call.KEYCTL.number(arch), 0))
          .as("x32")
          .isEqualTo(KILL);
    }
  }

  /**
   * Runs a classic-BPF seccomp program on one system call: the instructions Seccomp emits, nothing
   * more.
   */
  static int run(byte[] program, int arch, int nr, int arg0) {
    ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
    data.putInt(0, nr).putInt(4, arch).putLong(16, Integer.toUnsignedLong(arg0));
    ByteBuffer code = ByteBuffer.wrap(program).order(ByteOrder.nativeOrder());
    int acc = 0;
    int pc = 0;
    while (true) {
      int at = pc * 8;
      short op = code.getShort(at);
      int jt = Byte.toUnsignedInt(code.get(at + 2));
      int jf = Byte.toUnsignedInt(code.get(at + 3));
      int k = code.getInt(at + 4);
      pc++;
      switch (op) {
        case 0x20 -> acc = data.getInt(k);
        case 0x15 -> pc += acc == k ? jt : jf;
        case 0x35 -> pc += Integer.compareUnsigned(acc, k) >= 0 ? jt : jf;
        case 0x45 -> pc += (acc & k) != 0 ? jt : jf;
        case 0x06 -> {
          return k;
        }
        default -> throw new AssertionError("unexpected BPF instruction " + op + " at " + (pc - 1));
      }
    }
  }
}
