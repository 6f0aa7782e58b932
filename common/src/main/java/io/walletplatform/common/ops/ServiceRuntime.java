package io.walletplatform.common.ops;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/**
 * A Vert.x instance with Prometheus metrics, the registry that services add their own meters to,
 * and the process's {@link Readiness} ({@code /health/ready}).
 */
public record ServiceRuntime(Vertx vertx, PrometheusMeterRegistry registry, Readiness readiness) {

  public static ServiceRuntime create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setEnabled(true);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    Readiness readiness = new Readiness();
    // 1 while the process wants traffic, 0 while it warms up or drains (dependencies are /health/ready's).
    io.micrometer.core.instrument.Gauge.builder("process.ready", readiness,
            r -> r.state() == Readiness.State.READY ? 1 : 0)
        .description("1 while the process wants traffic, 0 while it warms up or shuts down")
        .register(registry);
    return new ServiceRuntime(vertx, registry, readiness);
  }
}
