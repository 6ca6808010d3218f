package dev.padlock.tls.trace;

import dev.padlock.tls.testing.Tool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code openssl s_server} on a loopback port, requiring a client certificate. */
final class OpensslServer implements AutoCloseable {
  final int port;
  private final Tool.Server process;

  private OpensslServer(int port, Tool.Server process) {
    this.port = port;
    this.process = process;
  }

  /**
   * Starts {@code openssl s_server -Verify 1 -verify_return_error -www} with the given certificate,
   * intermediates, key and client CA file, plus extra options (e.g. {@code -tls1_3}).
   */
  static OpensslServer start(Path dir, Path leaf, Path intermediates, Path key, Path clientCa,
      String... extra) {
    int port = Tool.freePort();
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept",
        "127.0.0.1:" + port, "-cert", leaf.toString(), "-cert_chain", intermediates.toString(),
        "-key", key.toString(), "-CAfile",
        clientCa.toString(), "-Verify", "1", "-verify_return_error", "-www"));
    cmd.addAll(List.of(extra));
    Tool.Server server = Tool.Server.start(dir, line -> line.startsWith("ACCEPT"),
        cmd.toArray(String[]::new));
    return new OpensslServer(port, server);
  }

  String output() {
    return process.output();
  }

  @Override
  public void close() {
    process.close();
  }
}
