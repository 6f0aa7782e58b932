package io.walletplatform.platform;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.ApiClient;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.HoldingFaults;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.infra.testing.ServiceProcess;
import io.walletplatform.wallet.WalletApiMain;
import io.walletplatform.wallet.WalletApiSettings;
import io.walletplatform.worker.OperationWorkerMain;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wallet-api in this JVM (read over HTTP, as a client would) and operation-workers as processes of
 * their own, to SIGKILL or SIGTERM: the set-up of {@link WorkerCrashTest} and {@link WorkerShutdownTest}, as an
 * extension ({@code @RegisterExtension}) started before a class's tests and stopped after them.
 */
final class WorkerProcesses implements BeforeAllCallback, AfterAllCallback {

  private static final Pattern BALANCE = Pattern.compile("\"balance\":([0-9.]+)");

  private final String name;
  private ServiceRuntime runtime;
  private Config config;
  private ApiClient api;

  /** @param name isolates this set-up's databases, topics and group from every other test's */
  WorkerProcesses(String name) {
    this.name = name;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    config = IsolatedConfig.create(name).with("WALLET_API_PORT", Integer.toString(FreePorts.pick()))
        .with("WORKER_CONSUMERS", "1")
        // A SIGKILLed worker's partition goes to its successor after 2 s instead of 10.
        .with("KAFKA_SESSION_TIMEOUT_MS", "2000");
    runtime = ServiceRuntime.create();
    WalletApiSettings settings = WalletApiSettings.from(config);
    var authentication = io.walletplatform.infra.testing.Tokens.authentication(runtime.vertx(), config);
    Await.result(WalletApiMain.start(runtime, settings, authentication), Duration.ofSeconds(60));
    api = new ApiClient(runtime.vertx(), settings.http().port(), io.walletplatform.infra.testing.Tokens.user(authentication));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Await.result(runtime.vertx().close());
  }

  /** wallet-api's client, with a user's token. */
  ApiClient api() {
    return api;
  }

  ServiceRuntime runtime() {
    return runtime;
  }

  ServiceProcess worker(String name, String holdAt) {
    return worker(name, holdAt, Map.of());
  }

  ServiceProcess worker(String name, String holdAt, Map<String, String> extra) {
    Map<String, String> environment = new HashMap<>(config.values());
    environment.putAll(extra);
    if (holdAt != null) {
      environment.put(HoldingFaults.HOLD_AT, holdAt);
    }
    return ServiceProcess.start(name, (holdAt == null ? OperationWorkerMain.class : FaultHoldingWorkerMain.class).getName(),
        environment);
  }

  /** The balance exactly as the API wrote it. */
  String balance(String walletId) {
    Matcher balance = BALANCE.matcher(api.get("/api/v1/wallets/" + walletId).bodyAsString());
    return balance.find() ? balance.group(1) : null;
  }
}
