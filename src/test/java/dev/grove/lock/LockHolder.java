package dev.grove.lock;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

/**
 * A separate process that takes a lock file, says {@code locked}, and releases it on {@code
 * release}.
 */
public final class LockHolder {
  public static void main(String[] args) throws Exception {
    try (LockFile lock = LockFile.open(Path.of(args[0]));
        LockFile.Held held = lock.acquire()) {
      System.out.println("locked");
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in)).readLine();
    }
  }
}
