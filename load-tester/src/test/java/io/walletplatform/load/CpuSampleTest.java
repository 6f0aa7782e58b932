package io.walletplatform.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Process names for the CPU table, and samples of this machine's real /proc. Alone in its JVM
 * ({@link Isolated}): it counts this process's CPU, which LoadTesterTest's platform, started beside it,
 * would add to (junit-platform.properties lets that class run beside others).
 */
@Isolated
class CpuSampleTest {

  private static byte[] cmdline(String... args) {
    return (String.join("\0", args) + "\0").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void processesAreNamedByTheirJarMainClassOrCommand() {
    assertEquals("platform.jar", CpuSample.name("java", cmdline("/usr/bin/java", "-Xmx512m", "-jar", "platform/target/platform.jar")));
    assertEquals("java NullServer", CpuSample.name("java", cmdline("java", "-cp", "load-tester.jar", "io.walletplatform.load.NullServer")));
    assertEquals("postgres", CpuSample.name("postgres", cmdline("postgres: wallet wallet 127.0.0.1(5432) idle")));
    assertEquals("postgres", CpuSample.name("postgres", cmdline("/tmp/embedded-pg/bin/postgres", "-D", "data")));
    assertEquals("redis-server", CpuSample.name("redis-server", cmdline("/usr/bin/redis-server *:6379")));
    assertEquals("kworker/0:1", CpuSample.name("kworker/0:1", new byte[0]));
  }

  @Test
  void cpuUsedBetweenTwoSamplesIsCountedForThisProcess() throws Exception {
    CpuSample before = CpuSample.take();
    assertNotNull(before, "/proc is readable on the machines this project runs on");
    // Until this thread has used 300 ms of CPU, however long that takes on a busy machine (the test
    // runs beside other modules' tests): wall time would measure the neighbours instead.
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long until = threads.getCurrentThreadCpuTime() + 300_000_000L;
    long started = System.nanoTime();
    long spin = 0;
    while (threads.getCurrentThreadCpuTime() < until) {
      spin += Long.numberOfTrailingZeros(spin + System.nanoTime());
    }
    CpuSample after = CpuSample.take();
    double wall = (System.nanoTime() - started) / 1e9;
    double mine = after.processSecondsSince(before).getOrDefault("load-tester (this)", 0.0);
    // /proc counts in 10 ms ticks; the JVM's other threads (JIT, GC) may add a little, never a whole core more.
    assertTrue(mine >= 0.28 && mine < 0.3 + wall + 0.1, "300 ms of CPU spinning shows as this process's CPU: " + mine
        + " s in " + wall + " s (" + spin + ")");
  }
}
