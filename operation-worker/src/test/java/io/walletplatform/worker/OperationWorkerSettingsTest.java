package io.walletplatform.worker;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.ops.FaultPoints;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OperationWorkerSettingsTest {

  /** A stray FAULT_HOLD_AT in a deployment's environment must not be able to hang a worker for ever. */
  @Test
  void productionSettingsNeverHoldAtAFaultPoint() {
    OperationWorkerSettings settings = OperationWorkerSettings.from(Config.of(Map.of(FaultPoints.HOLD_AT,
        "worker.after-commit")));
    assertSame(FaultPoints.NONE, settings.faultPoints());
    assertTrue(settings.faultPoints().reach("worker.after-commit").succeeded());
    FaultPoints test = FaultPoints.from(Config.of(Map.of(FaultPoints.HOLD_AT, "worker.after-commit")));
    assertTrue(!settings.withFaultPoints(test).faultPoints().reach("worker.after-commit").isComplete(),
        "a test's own main can still hold there");
  }
}
