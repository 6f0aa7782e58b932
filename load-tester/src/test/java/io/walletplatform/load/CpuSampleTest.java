package io.walletplatform.load;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Process names for the CPU table, and samples of this machine's real /proc. */
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
    long until = System.nanoTime() + 300_000_000L;
    long spin = 0;
    while (System.nanoTime() < until) {
      spin += Long.numberOfTrailingZeros(spin + System.nanoTime());
    }
    CpuSample after = CpuSample.take();
    double mine = after.processSecondsSince(before).getOrDefault("load-tester (this)", 0.0);
    assertTrue(mine >= 0.2 && mine < 1.0, "300 ms of spinning shows as this process's CPU: " + mine + " (" + spin + ")");
  }
}
