package dev.padlock.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A padlock command in its own JVM, as a user starts it: real process, real signals, real output. */
final class Subprocess implements AutoCloseable {
  final Process process;
  private final BlockingQueue<String> out = new LinkedBlockingQueue<>();
  private final List<String> err = java.util.Collections.synchronizedList(new ArrayList<>());

  Subprocess(String... args) throws IOException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(Path.java(), "-cp", cp, PadlockCli.class.getName()));
    cmd.addAll(List.of(args));
    process = new ProcessBuilder(cmd).start();
    pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), out::add);
    pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), err::add);
  }

  private static void pump(BufferedReader r, java.util.function.Consumer<String> sink) {
    Thread t = new Thread(() -> {
      try {
        for (String line; (line = r.readLine()) != null; ) {
          sink.accept(line);
        }
      } catch (IOException e) {
        // process ended
      }
    }, "subprocess-output");
    t.setDaemon(true);
    t.start();
  }

  /** The next line of stdout that contains {@code text} (waits for the process to print it, up to 60 s). */
  String awaitLine(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String line = out.poll(1, TimeUnit.SECONDS);
      if (line != null && line.contains(text)) {
        return line;
      }
      if (line == null && !process.isAlive()) {
        throw new AssertionError("the process ended (exit " + process.exitValue() + ") without printing '" + text
            + "'; stderr: " + String.join("\n", err));
      }
    }
    throw new AssertionError("no line with '" + text + "' within 60 s; stderr: " + String.join("\n", err));
  }

  List<String> stderr() {
    synchronized (err) {
      return List.copyOf(err);
    }
  }

  /** SIGTERM, then the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the process did not stop on SIGTERM within 30 s");
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private static final class Path {
    static String java() {
      return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
  }
}
