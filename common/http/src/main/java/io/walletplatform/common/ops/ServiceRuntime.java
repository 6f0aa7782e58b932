package io.walletplatform.common.ops;

import io.walletplatform.common.tracing.Tracing;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;

/**
 * A Vert.x instance with Prometheus metrics, the registry that services add their own meters to,
 * the process's {@link Readiness} ({@code /health/ready}) and its {@link Tracing} (Vert.x traces
 * HTTP, SQL and Redis through it when it is on; found again with {@link Tracing#of}).
 */
public record ServiceRuntime(Vertx vertx, PrometheusMeterRegistry registry, Readiness readiness, Tracing tracing) {

  /** Without tracing, on the transport the environment's {@code NETWORK_TRANSPORT} picks (auto when unset). */
  public static ServiceRuntime create() {
    return create(Tracing.OFF);
  }

  /** On the transport the environment's {@code NETWORK_TRANSPORT} picks (auto when unset). */
  public static ServiceRuntime create(Tracing tracing) {
    return create(tracing, NetworkTransport.from(io.walletplatform.common.config.Config.fromEnvironment()).resolve());
  }

  public static ServiceRuntime create(Tracing tracing, io.vertx.core.transport.Transport transport) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setEnabled(true);
    VertxOptions options = new VertxOptions().setMetricsOptions(metrics);
    VertxBuilder builder = Vertx.builder().withMetrics(new CachedHttpServerMetrics(registry));
    if (tracing.enabled()) {
      options.setTracingOptions(new OpenTelemetryOptions());
      builder.withTracer(new OpenTelemetryTracingFactory(tracing.openTelemetry()));
    }
    builder.withTransport(transport);
    Vertx vertx = builder.with(options).build();
    tracing.register(vertx);
    Readiness readiness = Readiness.of(vertx);
    // 1 while the process wants traffic, 0 while it warms up or drains (dependencies are /health/ready's).
    io.micrometer.core.instrument.Gauge.builder("process.ready", readiness,
            r -> r.state() == Readiness.State.READY ? 1 : 0)
        .description("1 while the process wants traffic, 0 while it warms up or shuts down")
        .register(registry);
    return new ServiceRuntime(vertx, registry, readiness, tracing);
  }
}
