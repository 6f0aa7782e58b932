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

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wallet-api in this JVM (read over HTTP, as a client would) and operation-workers as processes of
 * their own, to SIGKILL or SIGTERM: the set-up of {@link WorkerCrashTest} and {@link WorkerShutdownTest}.
 */
final class WorkerProcesses implements AutoCloseable {

  private static final Pattern BALANCE = Pattern.compile("\"balance\":([0-9.]+)");

  final ServiceRuntime runtime;
  final Config config;
  final ApiClient api;

  /** @param name isolates this set-up's databases, topics and group from every other test's */
  WorkerProcesses(String name) {
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

  @Override
  public void close() {
    Await.result(runtime.vertx().close());
  }
}
