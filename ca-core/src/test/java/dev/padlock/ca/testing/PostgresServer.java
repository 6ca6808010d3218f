package dev.padlock.ca.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server for a test: initdb into a fresh directory, started on a free loopback port,
 * stopped and deleted at close. PostgreSQL refuses to run as root, so as root it runs as the
 * {@code postgres} user (via runuser). Needs Debian's postgresql package (.ci/install-peers installs it).
 */
public final class PostgresServer implements AutoCloseable {
  private final Path dataDir;
  private final Path binDir;
  private final int port;
  private final boolean root;

  private PostgresServer(Path dataDir, Path binDir, int port, boolean root) {
    this.dataDir = dataDir;
    this.binDir = binDir;
    this.port = port;
    this.root = root;
  }

  public static PostgresServer start() {
    Path bin = findBinDir();
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      Path dir = Files.createTempDirectory("padlock-pg-");
      if (root) {
        run(List.of("chown", "postgres:postgres", dir.toString()), false);
      }
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      PostgresServer pg = new PostgresServer(dir, bin, port, root);
      pg.pg("initdb", "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "padlock", "-E", "UTF8",
          "--no-instructions");
      pg.pg("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
          "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
      return pg;
    } catch (IOException e) {
      throw new AssertionError("cannot start PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static Path findBinDir() {
    try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.sorted(Comparator.reverseOrder()).map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("pg_ctl"))).findFirst().orElseThrow();
    } catch (Exception e) {
      throw new AssertionError("PostgreSQL is not installed (apt-get install postgresql, or run .ci/install-peers)");
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  public String user() {
    return "padlock";
  }

  private void pg(String tool, String... args) {
    List<String> cmd = new ArrayList<>();
    if (root) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.add(binDir.resolve(tool).toString());
    cmd.addAll(List.of(args));
    run(cmd, true);
  }

  private static void run(List<String> cmd, boolean check) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + " did not finish");
      }
      if (check && p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + out);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    try {
      pg("pg_ctl", "-D", dataDir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    } finally {
      try (var walk = Files.walk(dataDir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        // best effort
      }
    }
  }
}
