package dev.grove.adversarial;

import dev.grove.cli.Context;
import dev.grove.cli.Main;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Several grove commands in one JVM, each through {@code Context.system()} as the real launcher
 * runs them (the terminal writer, the environment's secrets): {@code Commands run … --next status
 * --next why …}. Exits with the highest exit code. One process saves the start-up of one per
 * command.
 */
public final class Commands {
  private Commands() {}

  public static void main(String[] args) {
    int worst = 0;
    List<String> one = new ArrayList<>();
    for (String a : Arrays.copyOf(args, args.length + 1)) {
      if (a == null || a.equals("--next")) {
        worst = Math.max(worst, new Main(Context.system()).run(one.toArray(String[]::new)));
        one.clear();
      } else {
        one.add(a);
      }
    }
    System.exit(worst);
  }
}
