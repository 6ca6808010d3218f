package dev.padlock.tls.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs the independent peers (openssl, gnutls-cli, ...) as processes: one-shot commands with their
 * output, and long-running servers that are ready once they print a given line.
 */
public final class Tool {
  private Tool() {}

  /** What a command printed (stdout and stderr together) and how it exited. */
  public record Result(int exit, String output) {
    public Result assertOk() {
      if (exit != 0) {
        throw new AssertionError("exited " + exit + ":\n" + output);
      }
      return this;
    }
  }

  /** Runs a command to its end (at most 60 s), with stdin given (may be empty). */
  public static Result run(Path workDir, String stdin, String... command) {
    try {
      Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
          .start();
      try (var in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // the tool may exit before reading its input
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command[0] + " (see .ci/install-peers): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static Result openssl(Path workDir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    return run(workDir, "", cmd.toArray(String[]::new));
  }

  /** A running server process; its output lines are collected; {@link #close()} kills it. */
  public static final class Server implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer all = new StringBuffer();

    private Server(Process process) {
      this.process = process;
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            all.append(line).append('\n');
            lines.add(line);
          }
        } catch (IOException ignored) {
          // process ended
        }
      }, "tool-output");
      t.setDaemon(true);
      t.start();
    }

    /**
     * Starts a command and waits (at most 20 s) until it prints a line matching {@code ready}:
     * the server is listening then.
     */
    public static Server start(Path workDir, Predicate<String> ready, String... command) {
      try {
        Process p = new ProcessBuilder(command).directory(workDir.toFile())
            .redirectErrorStream(true).start();
        Server s = new Server(p);
        s.awaitLine(ready, Duration.ofSeconds(20));
        return s;
      } catch (IOException e) {
        throw new AssertionError("cannot run " + command[0] + " (see .ci/install-peers): " + e, e);
      }
    }

    /** Waits for the next output line matching the predicate. */
    public String awaitLine(Predicate<String> match, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        while (true) {
          long left = deadline - System.nanoTime();
          String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
          if (line == null) {
            throw new AssertionError("no matching line within " + timeout + "; output so far:\n"
                + all + (process.isAlive() ? "" : "(exited " + process.exitValue() + ")"));
          }
          if (match.test(line)) {
            return line;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    public String output() {
      return all.toString();
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A free TCP port on loopback (bind to 0, read, close). */
  public static int freePort() {
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
