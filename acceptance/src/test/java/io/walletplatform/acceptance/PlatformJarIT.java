package io.walletplatform.acceptance;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fat jars ship what runs in production and nothing the tests use: no test support
 * (the {@code test-support} module: {@code io.walletplatform.infra.testing}, {@code SharedInfrastructure}).
 */
class PlatformJarIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final List<String> TEST_ONLY = List.of("io/walletplatform/infra/testing/",
      "io/walletplatform/infra/SharedInfrastructure");

  private static List<String> testSupportIn(Path jar) throws IOException {
    assertTrue(Files.isRegularFile(jar), jar + " was built");
    List<String> found = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      file.stream().map(entry -> entry.getName())
          .filter(name -> TEST_ONLY.stream().anyMatch(name::startsWith))
          .forEach(found::add);
    }
    return found;
  }

  @Test
  void thePlatformJarHasItsEmbeddedServersButNoTestSupport() throws IOException {
    Path jar = ROOT.resolve("platform/target/platform.jar");
    assertEquals(List.of(), testSupportIn(jar));
    try (JarFile file = new JarFile(jar.toFile())) {
      assertTrue(file.getEntry("io/walletplatform/infra/EmbeddedInfrastructure.class") != null,
          "the one-command platform starts its servers itself");
      assertTrue(file.getEntry("io/walletplatform/platform/PlatformMain.class") != null);
    }
  }

  /**
   * Spans follow a request across the event loop only if OpenTelemetry keeps its context in the
   * Vert.x context: the shaded service file must name vertx-opentelemetry's storage (a jar that
   * lost it to another provider's file would trace every hop as a new trace). And the hold-at-a-point
   * faults are in no jar: no production class even names their variable.
   */
  @Test
  void everyJarTracesThroughTheVertxContextAndHoldsNowhere() throws IOException {
    for (String module : List.of("platform", "wallet-api", "operation-worker", "payments-api", "orders-api", "webhooks")) {
      Path jar = ROOT.resolve(module).resolve("target").resolve(module + ".jar");
      try (JarFile file = new JarFile(jar.toFile())) {
        var storage = file.getEntry("META-INF/services/io.opentelemetry.context.ContextStorageProvider");
        assertTrue(storage != null, module + " registers a context storage");
        String providers = new String(file.getInputStream(storage).readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(providers.contains("io.vertx.tracing.opentelemetry.VertxContextStorageProvider"), module + ": " + providers);
        var holding = file.stream().filter(entry -> entry.getName().startsWith("io/walletplatform/")
                && entry.getName().endsWith(".class"))
            .filter(entry -> {
              try {
                return new String(file.getInputStream(entry).readAllBytes(), StandardCharsets.ISO_8859_1)
                    .contains("FAULT_HOLD_AT");
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
            .map(entry -> entry.getName()).toList();
        assertEquals(List.of(), holding, module + ": production classes that read FAULT_HOLD_AT");
      }
    }
  }

  @Test
  void noServiceJarHasTestSupport() throws IOException {
    for (String module : List.of("wallet-api", "operation-worker", "payments-api", "orders-api", "webhooks")) {
      assertEquals(List.of(), testSupportIn(ROOT.resolve(module).resolve("target").resolve(module + ".jar")), module);
    }
  }
}
