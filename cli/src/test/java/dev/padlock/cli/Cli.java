package dev.padlock.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs padlock commands in-process, as a user would type them, capturing stdout, stderr and the exit code. */
final class Cli {
  record Result(int exit, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  private final Clock clock;
  private final Map<String, String> env = new HashMap<>();
  private final Path home;
  private final CliContext context;

  Cli(Clock clock, Path home) {
    this.clock = clock;
    this.home = home;
    this.context = null;
    env.put("USER", "tester");
  }

  /** Runs with exactly this context (its own environment, sleeper…). */
  Cli(Clock clock, Path home, CliContext context) {
    this.clock = clock;
    this.home = home;
    this.context = context;
  }

  Cli env(String name, String value) {
    if (value == null) {
      env.remove(name);
    } else {
      env.put(name, value);
    }
    return this;
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = PadlockCli.newCommandLine(context != null ? context : new CliContext(clock, env, home, null));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
