package dev.padlock.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Running the peers' command-line tools. */
final class Processes {
  private Processes() {}

  /** The absolute path of {@code tool} on the PATH, if installed. */
  static Optional<Path> which(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String d : path.split(":")) {
      Path p = Path.of(d, tool);
      if (java.nio.file.Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Runs a command to its end; returns stdout and stderr together; fails on a non-zero exit. */
  static String run(Path dir, List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(shown(cmd) + " did not finish in " + timeoutSeconds + " s");
    }
    if (p.exitValue() != 0) {
      throw new IOException(shown(cmd) + " exited " + p.exitValue() + ": " + out.strip().replace('\n', ' '));
    }
    return out;
  }

  /** The command as a person would recognise it: its first words, not a thousand file names. */
  private static String shown(List<String> cmd) {
    return String.join(" ", cmd.subList(0, Math.min(4, cmd.size()))) + (cmd.size() > 4 ? " ..." : "");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Waits until something accepts connections on loopback {@code port}. */
  static void awaitPort(int port, Process owner, int timeoutMillis) throws IOException, InterruptedException {
    long stop = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < stop) {
      if (!owner.isAlive()) {
        throw new IOException("the server exited with " + owner.exitValue() + " before listening on " + port);
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new IOException("nothing listened on port " + port + " within " + timeoutMillis + " ms");
  }

  /** Stops a server this run started, and waits for it. */
  static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(5, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
