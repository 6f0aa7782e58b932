package io.walletplatform.platform;

import io.walletplatform.common.config.Config;
import io.walletplatform.infra.testing.HoldingFaults;
import io.walletplatform.worker.OperationWorkerMain;
import io.walletplatform.worker.OperationWorkerSettings;

/**
 * operation-worker as {@link WorkerCrashTest} runs it: the production main, plus the fault points
 * named by {@code FAULT_HOLD_AT}, which the production main never reads.
 */
public final class FaultHoldingWorkerMain {

  private FaultHoldingWorkerMain() {
  }

  public static void main(String[] args) {
    Config config = Config.fromEnvironment();
    OperationWorkerMain.run(config, OperationWorkerSettings.from(config), HoldingFaults.from(config));
  }
}
