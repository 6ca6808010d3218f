package dev.padlock.cli;

import dev.padlock.tls.enroll.Sleeper;
import java.io.Console;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a command may read from the world besides its arguments: the clock, the environment, the
 * console, and how it waits (the sleeper). Tests build one with a fixed clock and their own environment; {@link #system()} is the real
 * one.
 */
public record CliContext(Clock clock, Map<String, String> env, Path userHome, Console console, Sleeper sleeper) {

  public CliContext {
    Objects.requireNonNull(clock, "clock");
    env = Map.copyOf(env);
    Objects.requireNonNull(userHome, "userHome");
    Objects.requireNonNull(sleeper, "sleeper");
  }

  /** A context whose waits really sleep. */
  public CliContext(Clock clock, Map<String, String> env, Path userHome, Console console) {
    this(clock, env, userHome, console, Sleeper.system());
  }

  public static CliContext system() {
    return new CliContext(Clock.systemUTC(), System.getenv(), Path.of(System.getProperty("user.home")),
        System.console());
  }

  public Optional<String> env(String name) {
    String v = env.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  public Optional<Console> interactiveConsole() {
    return Optional.ofNullable(console);
  }
}
