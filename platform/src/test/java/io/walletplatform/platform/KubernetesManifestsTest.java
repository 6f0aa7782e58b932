package io.walletplatform.platform;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/k8s as a cluster would read it: every Deployment probes liveness on /health/live and
 * readiness on /health/ready, asks for CPU and memory and caps memory, runs a pinned image, sets
 * only environment variables that some service actually reads (a misspelt one is silently ignored
 * by the process, so it is caught here), and the workers have a disruption budget.
 */
class KubernetesManifestsTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path MANIFESTS = ROOT.resolve("deploy/k8s");
  /** Read by the image's entry point (Dockerfile), not by Java code. */
  private static final Set<String> IMAGE_VARIABLES = Set.of("JAVA_OPTS");

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents() throws IOException {
    List<Map<String, Object>> documents = new ArrayList<>();
    try (Stream<Path> files = Files.list(MANIFESTS)) {
      for (Path file : files.filter(path -> path.toString().endsWith(".yaml")).sorted().toList()) {
        if (file.getFileName().toString().equals("kustomization.yaml")) {
          continue;
        }
        for (Object document : new Yaml().loadAll(Files.readString(file))) {
          if (document != null) {
            documents.add((Map<String, Object>) document);
          }
        }
      }
    }
    return documents;
  }

  private static List<Map<String, Object>> ofKind(List<Map<String, Object>> documents, String kind) {
    return documents.stream().filter(document -> kind.equals(document.get("kind"))).toList();
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Object node, String... path) {
    Object current = node;
    for (String step : path) {
      current = current == null ? null : ((Map<String, Object>) current).get(step);
    }
    return (T) current;
  }

  private static String name(Map<String, Object> document) {
    return at(document, "metadata", "name");
  }

  /** Every UPPER_SNAKE string literal in the production sources: the names configuration is read by. */
  private static Set<String> configurationNames() throws IOException {
    Pattern literal = Pattern.compile("\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\"");
    Set<String> names = new HashSet<>(IMAGE_VARIABLES);
    try (Stream<Path> sources = Files.walk(ROOT)) {
      for (Path source : sources.filter(path -> path.toString().endsWith(".java")
          && path.toString().contains("/src/main/java/")).toList()) {
        Matcher matcher = literal.matcher(Files.readString(source));
        while (matcher.find()) {
          names.add(matcher.group(1));
        }
      }
    }
    return names;
  }

  @Test
  void theKustomizationListsEveryManifest() throws IOException {
    Map<String, Object> kustomization = new Yaml().load(Files.readString(MANIFESTS.resolve("kustomization.yaml")));
    List<String> resources = at(kustomization, "resources");
    try (Stream<Path> files = Files.list(MANIFESTS)) {
      assertEquals(files.map(path -> path.getFileName().toString()).filter(file -> !file.equals("kustomization.yaml"))
          .sorted().toList(), resources.stream().sorted().toList());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyDeploymentIsProbedSizedPinnedAndServed() throws IOException {
    List<Map<String, Object>> documents = documents();
    List<Map<String, Object>> deployments = ofKind(documents, "Deployment");
    assertEquals(Set.of("wallet-api", "operation-worker", "payments-api", "orders-api", "webhooks", "gateway"),
        new HashSet<>(deployments.stream().map(KubernetesManifestsTest::name).toList()));
    Set<String> services = new HashSet<>(ofKind(documents, "Service").stream().map(KubernetesManifestsTest::name).toList());
    for (Map<String, Object> deployment : deployments) {
      String name = name(deployment);
      assertTrue(services.contains(name), name + " has a Service");
      List<Map<String, Object>> containers = at(deployment, "spec", "template", "spec", "containers");
      for (Map<String, Object> container : containers) {
        assertEquals("/health/live", at(container, "livenessProbe", "httpGet", "path"), name);
        assertEquals("/health/ready", at(container, "readinessProbe", "httpGet", "path"), name);
        assertNotNull(at(container, "resources", "requests", "cpu"), name + " requests CPU");
        assertNotNull(at(container, "resources", "requests", "memory"), name + " requests memory");
        assertNotNull(at(container, "resources", "limits", "memory"), name + " caps memory");
        String image = (String) container.get("image");
        assertTrue(image.matches("[a-z0-9./-]+:[0-9][A-Za-z0-9.-]*"), name + " runs a pinned image: " + image);
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyEnvironmentVariableSetIsOneTheServicesRead() throws IOException {
    Set<String> known = configurationNames();
    assertTrue(known.contains("PG_URL") && known.contains("WORKER_CONSUMERS"), "the scan found the configuration");
    List<Map<String, Object>> documents = documents();
    List<String> unknown = new ArrayList<>();
    for (Map<String, Object> map : ofKind(documents, "ConfigMap")) {
      ((Map<String, Object>) map.get("data")).keySet().stream().filter(key -> !known.contains(key)).forEach(unknown::add);
    }
    for (Map<String, Object> secret : ofKind(documents, "Secret")) {
      ((Map<String, Object>) secret.get("stringData")).keySet().stream().filter(key -> !known.contains(key)).forEach(unknown::add);
    }
    Set<String> configMaps = new HashSet<>(ofKind(documents, "ConfigMap").stream().map(KubernetesManifestsTest::name).toList());
    Set<String> secrets = new HashSet<>(ofKind(documents, "Secret").stream().map(KubernetesManifestsTest::name).toList());
    for (Map<String, Object> deployment : ofKind(documents, "Deployment")) {
      List<Map<String, Object>> containers = at(deployment, "spec", "template", "spec", "containers");
      for (Map<String, Object> container : containers) {
        List<Map<String, Object>> env = (List<Map<String, Object>>) container.getOrDefault("env", List.of());
        env.stream().map(variable -> (String) variable.get("name")).filter(key -> !known.contains(key)).forEach(unknown::add);
        List<Map<String, Object>> from = (List<Map<String, Object>>) container.getOrDefault("envFrom", List.of());
        for (Map<String, Object> source : from) {
          String configMap = at(source, "configMapRef", "name");
          String secret = at(source, "secretRef", "name");
          assertTrue(configMap == null || configMaps.contains(configMap), configMap + " exists");
          assertTrue(secret == null || secrets.contains(secret), secret + " exists");
        }
      }
    }
    assertEquals(List.of(), unknown, "set but read by no service");
  }

  /**
   * Issue #30: no manifest ships a value for the admin's (or the scraper's) secret, a placeholder
   * the platform would have accepted; only the gateway reads one, from a Secret of its own that may
   * be absent (then it generates one into its volume).
   */
  @Test
  @SuppressWarnings("unchecked")
  void noManifestShipsAnAdminSecretAndOnlyTheGatewayReadsOne() throws IOException {
    List<Map<String, Object>> documents = documents();
    for (Map<String, Object> secret : ofKind(documents, "Secret")) {
      Set<String> keys = ((Map<String, Object>) secret.get("stringData")).keySet();
      assertTrue(!keys.contains("AUTH_ADMIN_CLIENT_SECRET") && !keys.contains("AUTH_METRICS_CLIENT_SECRET"),
          name(secret) + " ships a client secret: " + keys);
    }
    List<String> readers = new ArrayList<>();
    for (Map<String, Object> deployment : ofKind(documents, "Deployment")) {
      List<Map<String, Object>> containers = at(deployment, "spec", "template", "spec", "containers");
      for (Map<String, Object> container : containers) {
        for (Map<String, Object> variable : (List<Map<String, Object>>) container.getOrDefault("env", List.of())) {
          if (String.valueOf(variable.get("name")).matches("AUTH_(ADMIN|METRICS)_CLIENT_SECRET")) {
            readers.add(name(deployment));
            assertEquals(null, variable.get("value"), "a literal secret in " + name(deployment));
            Object optional = at(variable, "valueFrom", "secretKeyRef", "optional");
            assertEquals(Boolean.TRUE, optional, name(deployment));
            String secretName = at(variable, "valueFrom", "secretKeyRef", "name");
            assertTrue(secretName.startsWith("gateway-"), "a Secret only the gateway reads: " + secretName);
          }
        }
      }
    }
    assertEquals(List.of("gateway", "gateway"), readers);
  }

  /**
   * A stop in Kubernetes: the pod must keep serving until the Service has seen its readiness fail
   * (the grace covers the readiness probe's period times its threshold), and the kubelet must not
   * SIGKILL it before the launcher's own bound (grace plus timeout) has passed.
   */
  @Test
  @SuppressWarnings("unchecked")
  void everyPodDrainsBeforeItStopsAndStopsBeforeItIsKilled() throws IOException {
    List<Map<String, Object>> documents = documents();
    Map<String, Object> shared = ofKind(documents, "ConfigMap").stream().filter(map -> "platform-config".equals(name(map)))
        .findFirst().map(map -> (Map<String, Object>) map.get("data")).orElseThrow();
    for (Map<String, Object> deployment : ofKind(documents, "Deployment")) {
      String name = name(deployment);
      Map<String, Object> pod = at(deployment, "spec", "template", "spec");
      List<Map<String, Object>> containers = (List<Map<String, Object>>) pod.get("containers");
      for (Map<String, Object> container : containers) {
        Map<String, String> env = new HashMap<>();
        List<Map<String, Object>> from = (List<Map<String, Object>>) container.getOrDefault("envFrom", List.of());
        if (from.stream().anyMatch(source -> "platform-config".equals(at(source, "configMapRef", "name")))) {
          shared.forEach((key, value) -> env.put(key, String.valueOf(value)));
        }
        ((List<Map<String, Object>>) container.getOrDefault("env", List.of())).stream()
            .filter(variable -> variable.get("value") != null)
            .forEach(variable -> env.put((String) variable.get("name"), String.valueOf(variable.get("value"))));
        assertNotNull(env.get("SHUTDOWN_GRACE_MS"), name + " sets a shutdown grace");
        long graceMs = Long.parseLong(env.get("SHUTDOWN_GRACE_MS"));
        long timeoutMs = Long.parseLong(env.getOrDefault("SHUTDOWN_TIMEOUT_MS", "30000"));
        int period = at(container, "readinessProbe", "periodSeconds");
        int threshold = at(container, "readinessProbe", "failureThreshold");
        assertTrue(graceMs >= period * threshold * 1000L,
            name + ": serves until readiness has failed " + threshold + " times " + period + " s apart: " + graceMs + " ms");
        int killAfter = (Integer) pod.get("terminationGracePeriodSeconds");
        assertTrue(killAfter * 1000L > graceMs + timeoutMs,
            name + ": the kubelet waits longer (" + killAfter + " s) than grace plus drain (" + (graceMs + timeoutMs) + " ms)");
      }
    }
  }

  @Test
  void theGatewayIsTheIssuerItselfAndTheWorkersHaveADisruptionBudget() throws IOException {
    List<Map<String, Object>> documents = documents();
    Map<String, Object> gateway = ofKind(documents, "Deployment").stream().filter(d -> "gateway".equals(name(d)))
        .findFirst().orElseThrow();
    String manifest = new Yaml().dump(gateway);
    assertFalse(manifest.contains("AUTH_ISSUER") || manifest.contains("platform-config"),
        "the gateway must not verify its own tokens as an external issuer's");
    Map<String, Object> budget = ofKind(documents, "PodDisruptionBudget").stream().findFirst().orElseThrow();
    assertEquals("operation-worker", at(budget, "spec", "selector", "matchLabels", "app.kubernetes.io/name"));
  }
}
