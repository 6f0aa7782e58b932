package io.walletplatform.platform;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.ApiClient;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.infra.testing.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Grafana dashboard and the Prometheus alert rules in deploy/observability name only metrics a
 * running platform exports: every series their expressions read is in {@code /metrics} after a
 * wallet operation and an order went through (a renamed meter would leave a panel empty and an
 * alert silent for ever, with nothing to say so).
 */
class ObservabilityKitTest {

  private static final Path KIT = Path.of("..", "deploy", "observability");
  /** Series Prometheus makes itself, not the platform. */
  private static final Set<String> PROMETHEUS_OWN = Set.of("up");
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
      "bool", "and", "or", "unless", "offset");

  private static ServiceRuntime runtime;
  private static String metrics;

  @BeforeAll
  static void start() {
    runtime = ServiceRuntime.create();
    int port = FreePorts.pick();
    Config config = IsolatedConfig.create("observability").with("PLATFORM_PORT", Integer.toString(port));
    var authentication = Await.result(Platform.deploy(runtime, PlatformSettings.from(config)), Duration.ofSeconds(60));
    UUID user = UUID.randomUUID();
    ApiClient api = new ApiClient(runtime.vertx(), port, Tokens.issue(authentication, user.toString(), "wallets payments orders funding"));
    String walletId = api.post("/api/v1/wallets", "{\"initialBalance\": 0}").bodyAsJsonObject().getString("walletId");
    api.post("/api/v1/wallet", "{\"walletId\":\"" + walletId + "\",\"operationType\":\"DEPOSIT\",\"amount\":1}");
    api.post("/api/v1/accounts", "{\"initialBalance\": 10}");
    String orderId = api.post("/api/v1/orders", "{\"amount\": 1, \"description\": \"metrics\"}").bodyAsJsonObject()
        .getString("orderId");
    ApiClient admin = new ApiClient(runtime.vertx(), port, Tokens.admin(authentication));
    Await.until("the deposit is applied and the order settled", Duration.ofSeconds(30), () ->
        api.get("/api/v1/wallets/" + walletId).bodyAsString().contains("\"balance\":1")
            && !api.get("/api/v1/orders/" + orderId).bodyAsString().contains("\"NEW\""));
    metrics = admin.get("/metrics").bodyAsString();
  }

  @AfterAll
  static void stop() {
    Await.result(runtime.vertx().close());
  }

  /** Every sample name in a Prometheus text exposition. */
  private static Set<String> exported() {
    Set<String> names = new TreeSet<>();
    for (String line : metrics.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  /** The metric names a PromQL expression reads: identifiers not called as functions, outside label matchers and groupings. */
  static Set<String> metricsIn(String expression) {
    String bare = expression.replaceAll("\"[^\"]*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher identifier = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\()?").matcher(bare);
    while (identifier.find()) {
      if (identifier.group(2) == null && !KEYWORDS.contains(identifier.group(1))
          && !identifier.group(1).matches("e|inf|nan")) {
        names.add(identifier.group(1));
      }
    }
    return names;
  }

  @Test
  void theExpressionParserFindsMetricsAndNothingElse() {
    assertEquals(Set.of("a_total", "b_seconds_sum"), metricsIn(
        "sum by (service) (rate(a_total{code=~\"5..\"}[5m])) / clamp_min(max without (x) (b_seconds_sum), 1e-9) > 0.05"));
  }

  @Test
  void everyDashboardPanelReadsExportedMetrics() throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(KIT.resolve("grafana/dashboards/wallet-platform.json")));
    List<String> missing = new ArrayList<>();
    Set<String> exported = exported();
    int expressions = 0;
    for (Object panel : dashboard.getJsonArray("panels")) {
      for (Object target : ((JsonObject) panel).getJsonArray("targets", new JsonArray())) {
        String expr = ((JsonObject) target).getString("expr");
        expressions++;
        metricsIn(expr).stream().filter(name -> !exported.contains(name))
            .forEach(name -> missing.add(name + " in \"" + ((JsonObject) panel).getString("title") + "\""));
      }
    }
    assertTrue(expressions >= 20, expressions + " expressions");
    assertEquals(List.of(), missing, "not in /metrics");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertRuleReadsExportedMetrics() throws IOException {
    Map<String, Object> rules = new Yaml().load(Files.readString(KIT.resolve("alerts.yml")));
    List<String> missing = new ArrayList<>();
    Set<String> exported = exported();
    Set<String> alerts = new TreeSet<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        alerts.add((String) rule.get("alert"));
        metricsIn((String) rule.get("expr")).stream().filter(name -> !exported.contains(name) && !PROMETHEUS_OWN.contains(name))
            .forEach(name -> missing.add(name + " in " + rule.get("alert")));
      }
    }
    assertTrue(alerts.containsAll(Set.of("ApplyLagOverBound", "DeadLettersGrowing", "QuarantineGrowing", "ServerErrors",
        "ServiceNotReady")), alerts.toString());
    assertEquals(List.of(), missing, "not in /metrics");
  }
}
