package dev.padlock.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the independent peers (openssl, curl) as processes and captures what they say. */
final class Tools {
  private Tools() {}

  record Result(int exit, String output) {}

  static Result run(Path workDir, String... command) {
    try {
      Process p = new ProcessBuilder(List.of(command)).directory(workDir.toFile()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command[0] + " did not finish");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command[0] + " (apt-get install openssl curl)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs a shell pipeline with bash. */
  static Result sh(Path workDir, String script) {
    return run(workDir, "bash", "-o", "pipefail", "-c", script);
  }
}
