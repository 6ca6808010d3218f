package dev.padlock.tls.enroll;

import java.time.Duration;

/** Waits. The real one sleeps; tests pass one that moves their clock instead. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration d) throws InterruptedException;

  static Sleeper system() {
    return d -> Thread.sleep(Math.max(0, d.toMillis()));
  }
}
