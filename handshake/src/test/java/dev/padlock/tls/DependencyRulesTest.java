package dev.padlock.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md: handshake depends on the JDK and Bouncy Castle only (never ca-core, ca-server, Jersey,
 * H2, slf4j), registers no JCA provider globally and sets no JVM-wide security property.
 */
class DependencyRulesTest {
  static final List<String> FORBIDDEN = List.of("import dev.padlock.ca.", "import dev.padlock.server.",
      "import org.glassfish.", "import jakarta.", "import org.h2.", "import org.slf4j.",
      "import org.eclipse.jetty.", "import picocli.", "Security.addProvider(",
      "Security.insertProviderAt(", "Security.setProperty(", "System.setProperty(");

  @Test
  void mainSourcesUseOnlyTheJdkAndBouncyCastleAndNoGlobalSwitches() throws IOException {
    Path main = Path.of("src/main/java");
    try (Stream<Path> files = Files.walk(main)) {
      List<String> violations = files.filter(p -> p.toString().endsWith(".java"))
          .flatMap(p -> {
            try {
              String text = Files.readString(p);
              return FORBIDDEN.stream().filter(text::contains).map(f -> p + ": " + f);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }).toList();
      assertThat(violations).isEmpty();
    }
  }

  @Test
  void thePomNamesNoForbiddenModule() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    assertThat(pom).doesNotContain("<artifactId>ca-core</artifactId>")
        .doesNotContain("<artifactId>ca-server</artifactId>").doesNotContain("h2")
        .doesNotContain("slf4j").doesNotContain("jersey");
  }
}
