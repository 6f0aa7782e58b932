package io.walletplatform.infra;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.KafkaSettings;
import io.walletplatform.common.config.PgSettings;
import io.walletplatform.common.config.RedisSettings;

import java.util.concurrent.CountDownLatch;

/**
 * Starts the embedded servers alone and prints their addresses, for running services as
 * separate processes against them (the same topology docker-compose describes).
 */
public final class EmbeddedInfrastructureMain {

  public static void main(String[] args) throws InterruptedException {
    EmbeddedInfrastructure infrastructure = EmbeddedInfrastructure.startMissing(Config.fromEnvironment());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      infrastructure.close();
      stopped.countDown();
    }, "embedded-infrastructure-stop"));
    Config config = infrastructure.config();
    System.out.println(PgSettings.URL + "=" + config.get(PgSettings.URL, ""));
    System.out.println(RedisSettings.URL + "=" + config.get(RedisSettings.URL, ""));
    System.out.println(KafkaSettings.BOOTSTRAP_SERVERS + "=" + config.get(KafkaSettings.BOOTSTRAP_SERVERS, ""));
    System.out.flush();
    stopped.await();
  }
}
