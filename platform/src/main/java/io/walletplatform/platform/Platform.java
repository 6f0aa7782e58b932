package io.walletplatform.platform;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.migrations.Migrations;
import io.walletplatform.worker.OperationWorker;
import io.walletplatform.worker.kafka.OffsetCommitGate;

import java.util.List;

/** Deploys every service of the platform into one Vert.x instance. */
public final class Platform {

  private Platform() {
  }

  public static Future<Void> deploy(ServiceRuntime runtime, PlatformSettings settings) {
    return Migrations.migrate(runtime.vertx(), settings.wallet().pg(), Migrations.WALLET)
        .compose(ignored -> KafkaClients.ensureTopics(runtime.vertx(), settings.wallet().kafka(),
            List.of(settings.wallet().operationsTopic())))
        .compose(ignored -> OperationWorker.deploy(runtime.vertx(), settings.worker(), runtime.registry(),
            OffsetCommitGate.OPEN))
        .compose(ignored -> runtime.vertx().deployVerticle(
            () -> new PlatformHttpVerticle(settings, runtime.registry()),
            new DeploymentOptions().setInstances(settings.wallet().httpInstances())))
        .mapEmpty();
  }
}
