package io.walletplatform.common.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.shareddata.Shareable;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.util.VertxLocal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * OpenTelemetry for one process, or nothing at all. With {@code OTEL_EXPORTER_OTLP_ENDPOINT}
 * set, spans are exported over OTLP/HTTP ({@code <endpoint>/v1/traces}), sampled by
 * {@code OTEL_TRACES_SAMPLER_ARG} (a ratio, 1.0 by default) unless the caller's {@code traceparent}
 * decided already; Vert.x traces HTTP, SQL and Redis through vertx-opentelemetry. Without it,
 * {@link #enabled()} is false, Vert.x has no tracer and every helper here returns at once: the hot
 * path pays one boolean test. Only sampled traces are carried on through Kafka and the outbox.
 *
 * <p>Kafka and the outbox are traced here rather than by the Kafka client's own tracing, which
 * starts a span per record wherever the send happens to run: a record carries the W3C
 * {@code traceparent} header of a producer span that is a child of whatever accepted it (the HTTP
 * request, the outbox row's stored context, the message that caused it).
 */
public final class Tracing implements Shareable {

  public static final String TRACEPARENT = "traceparent";
  public static final Tracing OFF = new Tracing(null, null);

  private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private final OpenTelemetry openTelemetry;
  private final Tracer tracer;
  private final ContextPropagators propagators;
  private final Runnable shutdown;

  private Tracing(OpenTelemetry openTelemetry, Runnable shutdown) {
    this.openTelemetry = openTelemetry;
    this.tracer = openTelemetry == null ? null : openTelemetry.getTracer("io.walletplatform");
    this.propagators = openTelemetry == null ? null : openTelemetry.getPropagators();
    this.shutdown = shutdown;
  }

  /** From the environment: OTLP export when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set, {@link #OFF} otherwise. */
  public static Tracing fromConfig(Config config, String serviceName) {
    String endpoint = config.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").trim();
    if (endpoint.isEmpty()) {
      return OFF;
    }
    double ratio = samplingRatio(config.get("OTEL_TRACES_SAMPLER_ARG", "1.0"));
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint(endpoint.replaceAll("/+$", "") + "/v1/traces")
        .setTimeout(10, TimeUnit.SECONDS)
        .build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), config.get("OTEL_SERVICE_NAME", serviceName)))))
        .setSampler(sampler(ratio))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
        .build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(provider)
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    return new Tracing(sdk, () -> sdk.getSdkTracerProvider().shutdown().join(5, TimeUnit.SECONDS));
  }

  /**
   * New traces at {@code ratio}; a local parent's decision followed; a remote parent's (a request's
   * {@code traceparent}) sampled flag honoured only at {@code ratio} too, drawn at random (issue #30:
   * any client could force every request it sent to be traced and exported). Not by trace id: the
   * client picks the trace id, so an id-based ratio would let it pick ids that are always sampled.
   */
  static Sampler sampler(double ratio) {
    Sampler remote = ratio >= 1 ? Sampler.alwaysOn() : ratio <= 0 ? Sampler.alwaysOff() : new RandomRatio(ratio);
    return Sampler.parentBasedBuilder(Sampler.traceIdRatioBased(ratio))
        .setRemoteParentSampled(remote)
        .build();
  }

  /** Samples a span at {@code ratio}, whatever its trace id says. */
  private record RandomRatio(double ratio) implements Sampler {
    @Override
    public io.opentelemetry.sdk.trace.samplers.SamplingResult shouldSample(io.opentelemetry.context.Context parentContext,
        String traceId, String name, io.opentelemetry.api.trace.SpanKind spanKind, Attributes attributes,
        java.util.List<io.opentelemetry.sdk.trace.data.LinkData> parentLinks) {
      return java.util.concurrent.ThreadLocalRandom.current().nextDouble() < ratio
          ? io.opentelemetry.sdk.trace.samplers.SamplingResult.recordAndSample()
          : io.opentelemetry.sdk.trace.samplers.SamplingResult.drop();
    }

    @Override
    public String getDescription() {
      return "RandomRatio{" + ratio + "}";
    }
  }

  static double samplingRatio(String value) {
    double ratio;
    try {
      ratio = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1, got '" + value + "'");
    }
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1, got '" + value + "'");
    }
    return ratio;
  }

  /** An SDK built elsewhere (a test's in-memory exporter). */
  public static Tracing of(OpenTelemetry openTelemetry) {
    return new Tracing(openTelemetry, () -> { });
  }

  /** The tracing of the process this Vert.x serves ({@link #OFF} unless {@code ops.ServiceRuntime} set one). */
  public static Tracing of(Vertx vertx) {
    return VertxLocal.get(vertx, "tracing", () -> OFF);
  }

  /** The tracing of the Vert.x whose context runs the caller ({@link #OFF} off a Vert.x thread). */
  public static Tracing ofCurrentContext() {
    io.vertx.core.Context context = Vertx.currentContext();
    return context == null ? OFF : of(context.owner());
  }

  /** Makes this the tracing of {@code vertx} ({@link #of}); called once, by {@code ops.ServiceRuntime}, when it builds it. */
  public void register(Vertx vertx) {
    VertxLocal.put(vertx, "tracing", this);
  }

  public boolean enabled() {
    return openTelemetry != null;
  }

  /** For Vert.x's tracer factory; null when off. */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** The W3C traceparent of the span current on this Vert.x context (an HTTP request's), or null. */
  public String currentTraceparent() {
    return enabled() ? traceparent(Context.current()) : null;
  }

  /**
   * The W3C traceparent of a context, or null when it holds no sampled span: an unsampled trace
   * is not carried on (no header, no outbox column), so what follows it costs nothing either.
   */
  public String traceparent(Context context) {
    if (!enabled() || !Span.fromContext(context).getSpanContext().isSampled()) {
      return null;
    }
    Map<String, String> carrier = new HashMap<>(2);
    propagators.getTextMapPropagator().inject(context, carrier, Map::put);
    return carrier.get(TRACEPARENT);
  }

  /** The context a W3C traceparent names (the root context for null or garbage). */
  public Context parent(String traceparent) {
    if (!enabled() || traceparent == null) {
      return Context.root();
    }
    return propagators.getTextMapPropagator().extract(Context.root(), Map.of(TRACEPARENT, traceparent), MAP_GETTER);
  }

  /** The span context a W3C traceparent names, for a link (invalid for null or garbage). */
  public SpanContext spanContext(String traceparent) {
    return Span.fromContext(parent(traceparent)).getSpanContext();
  }

  /** The traceparent header of a consumed record, or null. */
  public static String traceparent(List<io.vertx.kafka.client.producer.KafkaHeader> headers) {
    for (KafkaHeader header : headers) {
      if (TRACEPARENT.equals(header.key())) {
        return header.value().toString();
      }
    }
    return null;
  }

  /** Starts a span; null when tracing is off. */
  public Span start(String name, SpanKind kind, Context parent) {
    if (!enabled()) {
      return null;
    }
    return tracer.spanBuilder(name).setSpanKind(kind).setParent(parent).startSpan();
  }

  /** A span builder (links, attributes, start time); null when tracing is off. */
  public SpanBuilder builder(String name, SpanKind kind) {
    return enabled() ? tracer.spanBuilder(name).setSpanKind(kind) : null;
  }

  /**
   * Publishing {@code record} as part of the trace {@code traceparent} names: a PRODUCER span,
   * child of it, whose context the record carries in its {@code traceparent} header. Returns the
   * span to end once the broker answers (null when off or there is no trace to continue).
   */
  public Span publish(KafkaProducerRecord<?, ?> record, String traceparent) {
    if (!enabled() || traceparent == null) {
      return null;
    }
    Context parent = parent(traceparent);
    Span span = tracer.spanBuilder(record.topic() + " publish").setSpanKind(SpanKind.PRODUCER).setParent(parent)
        .setAttribute("messaging.system", "kafka")
        .setAttribute("messaging.destination.name", record.topic())
        .startSpan();
    String header = traceparent(parent.with(span));
    if (header != null) {
      record.addHeader(TRACEPARENT, header);
    }
    return span;
  }

  /** Ends a span that may be null (tracing off), recording a failure if there was one. */
  public static void end(Span span, Throwable failure) {
    if (span == null) {
      return;
    }
    if (failure != null) {
      span.recordException(failure);
      span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, String.valueOf(failure.getMessage()));
    }
    span.end();
  }

  /**
   * Runs {@code work} with {@code span} as the current span, so that the queries and commands it
   * issues through clients vertx-opentelemetry traces (PostgreSQL, Redis) are the span's children;
   * its result comes back on the caller's context. vertx-opentelemetry keeps the current span in
   * the Vert.x context, so the work runs on a duplicate of the caller's context made for it alone
   * (as the HTTP server does per request): the span stays attached to that duplicate, which is
   * dropped afterwards, and nothing the caller runs later inherits it. With no span (tracing off,
   * or nothing traced) the work runs as it is.
   */
  public static <T> Future<T> within(Span span, Supplier<Future<T>> work) {
    ContextInternal caller = ContextInternal.current();
    if (span == null || caller == null) {
      return work.get();
    }
    Promise<T> result = caller.promise();
    caller.duplicate().emit(ignored -> {
      @SuppressWarnings("unused") // attached to the throw-away duplicate on purpose: never closed
      Scope scope = Context.current().with(span).makeCurrent();
      Future<T> done;
      try {
        done = work.get();
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      done.onComplete(result);
    });
    return result.future();
  }

  /** Flushes and stops the exporter (at shutdown). */
  public void close() {
    if (shutdown != null) {
      shutdown.run();
    }
  }
}
