package io.walletplatform.worker;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.faults.Faults;
import io.walletplatform.infra.testing.HoldingFaults;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OperationWorkerSettingsTest {

  /**
   * A stray FAULT_HOLD_AT in a deployment's environment must not be able to hang a worker for ever:
   * the production main passes {@link Faults#NONE}, whatever the environment says, and nothing in
   * production code reads the variable; only a test's holding faults do.
   */
  @Test
  void productionNeverHoldsAtAFaultPoint() throws Exception {
    assertTrue(Faults.NONE.reach("worker.after-commit").succeeded());
    assertTrue(Faults.NONE.beforeOffsetCommit(Map.of()).succeeded());
    assertTrue(Faults.NONE.beforeMarkingPublished(java.util.List.of()).succeeded());
    String main = Files.readString(Path.of("src/main/java/io/walletplatform/worker/OperationWorkerMain.java"));
    assertTrue(main.contains("Faults.NONE"), "the production main passes no faults");
    assertFalse(main.contains(HoldingFaults.HOLD_AT), "the production main never reads " + HoldingFaults.HOLD_AT);
    HoldingFaults test = HoldingFaults.from(Config.of(Map.of(HoldingFaults.HOLD_AT, "worker.after-commit, other")));
    assertFalse(test.reach("worker.after-commit").isComplete(), "a test's own main can still hold there");
    assertTrue(test.reach("worker.elsewhere").succeeded(), "and only there");
  }
}
