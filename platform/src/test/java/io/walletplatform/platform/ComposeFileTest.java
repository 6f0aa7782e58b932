package io.walletplatform.platform;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What docker-compose.yml exposes: nothing internal is reachable from the network, nothing internal is writable. */
class ComposeFileTest {

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services() throws IOException {
    try (InputStream in = Files.newInputStream(Path.of("..", "docker-compose.yml"))) {
      Map<String, Object> document = new Yaml().load(in);
      return (Map<String, Map<String, Object>>) document.get("services");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void kafkaUiIsReadOnlyAndListensOnTheLoopbackAddressOnly() throws IOException {
    Map<String, Object> kafkaUi = services().get("kafka-ui");
    Map<String, Object> environment = (Map<String, Object>) kafkaUi.get("environment");
    assertEquals("true", String.valueOf(environment.get("KAFKA_CLUSTERS_0_READONLY")));
    List<String> ports = (List<String>) kafkaUi.get("ports");
    assertTrue(!ports.isEmpty() && ports.stream().allMatch(port -> port.startsWith("127.0.0.1:")), "kafka-ui ports " + ports);
  }

  @Test
  @SuppressWarnings("unchecked")
  void prometheusAndGrafanaListenOnTheLoopbackAddressOnlyAndUseTheKitFiles() throws IOException {
    Map<String, Map<String, Object>> services = services();
    for (String ui : List.of("prometheus", "grafana")) {
      List<String> ports = (List<String>) services.get(ui).get("ports");
      assertTrue(!ports.isEmpty() && ports.stream().allMatch(port -> port.startsWith("127.0.0.1:")), ui + " ports " + ports);
      for (String volume : (List<String>) services.get(ui).get("volumes")) {
        String source = volume.split(":")[0];
        assertTrue(!source.startsWith("./") || Files.exists(Path.of("..").resolve(source)), ui + " mounts " + source);
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theInfrastructurePublishesNoPortAndEveryServiceVerifiesTheGatewaysTokens() throws IOException {
    Map<String, Map<String, Object>> services = services();
    for (String internal : List.of("postgres", "redis", "kafka")) {
      assertTrue(services.get(internal).get("ports") == null, internal + " publishes no port");
    }
    for (String service : List.of("wallet-api", "operation-worker", "payments-api", "orders-api", "webhooks")) {
      Map<String, Object> environment = (Map<String, Object>) services.get(service).get("environment");
      assertEquals("urn:wallet-platform:dev-issuer", environment.get("AUTH_ISSUER"), service);
      assertEquals("http://gateway:8080/oauth/jwks.json", environment.get("AUTH_JWKS_URL"), service);
    }
    Map<String, Object> gateway = (Map<String, Object>) services.get("gateway").get("environment");
    assertTrue(!gateway.containsKey("AUTH_ISSUER"), "the gateway is the development issuer itself");
  }

  /**
   * The image build runs Maven on the whole reactor (-pl MODULE -am): a module the parent pom lists
   * but the Dockerfile does not copy fails every image build.
   */
  @Test
  void theDockerfileCopiesEveryModuleOfTheReactor() throws IOException {
    String pom = Files.readString(Path.of("..", "pom.xml"));
    String dockerfile = Files.readString(Path.of("..", "Dockerfile"));
    java.util.regex.Matcher module = java.util.regex.Pattern.compile("<module>([^<]+)</module>").matcher(pom);
    int modules = 0;
    while (module.find()) {
      modules++;
      assertTrue(dockerfile.contains("COPY " + module.group(1) + " " + module.group(1) + "\n"),
          "the Dockerfile copies " + module.group(1));
    }
    assertTrue(modules >= 10, modules + " modules");
  }
}
