package io.walletplatform.platform;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.ops.ServiceRuntime;
import io.walletplatform.common.tracing.Tracing;
import io.walletplatform.infra.FreePorts;
import io.walletplatform.infra.testing.ApiClient;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.infra.testing.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One trace per operation and per order, on a real platform with an in-memory exporter: a client's
 * W3C {@code traceparent} is continued by the HTTP server span, the Kafka record's PRODUCER span,
 * and the worker's batch span (a child of the operation's PRODUCER span, linked to every operation
 * it applied); an order's runs from its HTTP request through the outbox to payments, back through
 * payments' outbox, to the orders inbox that settles it. An unsampled caller leaves no spans.
 */
class TracingTest {

  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  private static ServiceRuntime runtime;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().setSampler(Sampler.parentBased(Sampler.alwaysOn()))
            .addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    runtime = ServiceRuntime.create(Tracing.of(sdk));
    int port = FreePorts.pick();
    Config config = IsolatedConfig.create("tracing").with("PLATFORM_PORT", Integer.toString(port));
    Authentication authentication = Await.result(Platform.deploy(runtime, PlatformSettings.from(config)),
        Duration.ofSeconds(60));
    api = new ApiClient(runtime.vertx(), port, Tokens.issue(authentication, UUID.randomUUID().toString(),
        "wallets payments orders funding"));
  }

  @AfterAll
  static void stop() {
    Await.result(runtime.vertx().close());
  }

  private static String hex(int bytes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < bytes; i++) {
      out.append(String.format("%02x", ThreadLocalRandom.current().nextInt(1, 256)));
    }
    return out.toString();
  }

  private static HttpResponse<Buffer> post(String path, String json, String traceparent) {
    return Await.result(api.web().post(path).putHeader("content-type", "application/json")
        .putHeader("traceparent", traceparent).sendBuffer(Buffer.buffer(json)));
  }

  private static List<SpanData> trace(String traceId) {
    return SPANS.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
  }

  private static Optional<SpanData> find(List<SpanData> spans, SpanKind kind, String nameEnd, String parentSpanId) {
    return spans.stream().filter(span -> span.getKind() == kind && span.getName().endsWith(nameEnd)
        && span.getParentSpanId().equals(parentSpanId)).findFirst();
  }

  private static String describe(List<SpanData> spans) {
    return spans.stream().map(span -> span.getKind() + " " + span.getName() + " " + span.getSpanId() + "<-"
        + span.getParentSpanId()).collect(Collectors.joining("\n  ", "\n  ", ""));
  }

  @Test
  void anOperationsTraceRunsFromItsRequestToTheBatchThatAppliedIt() {
    String walletId = api.post("/api/v1/wallets", "{\"initialBalance\": 0}").bodyAsJsonObject().getString("walletId");
    String traceId = hex(16);
    String callerSpan = hex(8);
    HttpResponse<Buffer> accepted = post("/api/v1/wallet", "{\"walletId\":\"" + walletId
        + "\",\"operationType\":\"DEPOSIT\",\"amount\":5}", "00-" + traceId + "-" + callerSpan + "-01");
    assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
    String operationId = accepted.bodyAsJsonObject().getString("operationId");

    Await.until("the batch span of the operation is exported", Duration.ofSeconds(30), () ->
        trace(traceId).stream().anyMatch(span -> span.getName().endsWith(" apply")));
    List<SpanData> spans = trace(traceId);
    SpanData server = find(spans, SpanKind.SERVER, "", callerSpan).orElseThrow(() -> new AssertionError(describe(spans)));
    SpanData publish = find(spans, SpanKind.PRODUCER, " publish", server.getSpanId())
        .orElseThrow(() -> new AssertionError(describe(spans)));
    SpanData apply = find(spans, SpanKind.CONSUMER, " apply", publish.getSpanId())
        .orElseThrow(() -> new AssertionError(describe(spans)));
    LinkData link = apply.getLinks().stream().filter(l -> l.getSpanContext().getSpanId().equals(publish.getSpanId()))
        .findFirst().orElseThrow(() -> new AssertionError("the batch span does not link the operation"));
    assertEquals(operationId, link.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey(
        "wallet.operation_id")));
    assertTrue(apply.getEndEpochNanos() >= publish.getEndEpochNanos(), "applied after it was published");
    assertTrue(find(spans, SpanKind.CLIENT, "", apply.getSpanId()).isPresent(),
        "the batch's SQL is traced under the batch span: " + describe(spans));
    System.out.println("operation trace " + traceId + ":" + describe(spans));
  }

  @Test
  void anOrdersTraceRunsThroughBothOutboxesToItsFinalState() {
    assertEquals(201, api.post("/api/v1/accounts", "{\"initialBalance\": 100}").statusCode());
    String traceId = hex(16);
    String callerSpan = hex(8);
    HttpResponse<Buffer> created = post("/api/v1/orders", "{\"amount\": 30, \"description\": \"traced\"}",
        "00-" + traceId + "-" + callerSpan + "-01");
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String orderId = created.bodyAsJsonObject().getString("orderId");
    Await.until("the order is settled", Duration.ofSeconds(30), () ->
        api.get("/api/v1/orders/" + orderId).bodyAsString().contains("\"FINISHED\""));
    // The orders inbox's span ends with the transaction that settled the order, just before the GET can see it.
    Await.until("the settling span is exported", Duration.ofSeconds(10), () ->
        trace(traceId).stream().filter(span -> span.getKind() == SpanKind.CONSUMER).count() >= 2);
    List<SpanData> spans = trace(traceId);
    SpanData server = find(spans, SpanKind.SERVER, "", callerSpan).orElseThrow(() -> new AssertionError(describe(spans)));
    SpanData request = find(spans, SpanKind.PRODUCER, "payments.requests publish", server.getSpanId())
        .or(() -> find(spans, SpanKind.PRODUCER, " publish", server.getSpanId()))
        .orElseThrow(() -> new AssertionError(describe(spans)));
    SpanData payment = find(spans, SpanKind.CONSUMER, " process", request.getSpanId())
        .orElseThrow(() -> new AssertionError(describe(spans)));
    SpanData result = find(spans, SpanKind.PRODUCER, " publish", payment.getSpanId())
        .orElseThrow(() -> new AssertionError(describe(spans)));
    SpanData settled = find(spans, SpanKind.CONSUMER, " process", result.getSpanId())
        .orElseThrow(() -> new AssertionError(describe(spans)));
    assertNotNull(settled);
    assertTrue(find(spans, SpanKind.CLIENT, "", payment.getSpanId()).isPresent(),
        "the payment's SQL (the debit) is traced under its inbox span: " + describe(spans));
    assertTrue(find(spans, SpanKind.CLIENT, "", settled.getSpanId()).isPresent(),
        "the order's final update is traced under its inbox span: " + describe(spans));
    assertFalse(request.getName().equals(result.getName()), "requests and results are different topics");
    System.out.println("order trace " + traceId + ":" + describe(spans));
  }

  @Test
  void anUnsampledCallerLeavesNoSpansAndCarriesNothingOn() {
    String walletId = api.post("/api/v1/wallets", "{\"initialBalance\": 0}").bodyAsJsonObject().getString("walletId");
    String traceId = hex(16);
    HttpResponse<Buffer> accepted = post("/api/v1/wallet", "{\"walletId\":\"" + walletId
        + "\",\"operationType\":\"DEPOSIT\",\"amount\":7}", "00-" + traceId + "-" + hex(8) + "-00");
    assertEquals(202, accepted.statusCode());
    Await.until("the deposit is applied", Duration.ofSeconds(30), () ->
        api.get("/api/v1/wallets/" + walletId).bodyAsString().contains("\"balance\":7"));
    assertEquals(List.of(), trace(traceId));
  }

  @Test
  void theSamplingRatioIsANumberFromZeroToOne() {
    assertFalse(Tracing.fromConfig(Config.of(java.util.Map.of()), "x").enabled(), "off without an endpoint");
    Tracing on = Tracing.fromConfig(Config.of(java.util.Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318",
        "OTEL_TRACES_SAMPLER_ARG", "0.01")), "x");
    assertTrue(on.enabled());
    on.close();
    for (String bad : List.of("1.5", "-0.1", "NaN", "often")) {
      IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Tracing.fromConfig(
          Config.of(java.util.Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://x", "OTEL_TRACES_SAMPLER_ARG", bad)), "x"));
      assertTrue(error.getMessage().contains("OTEL_TRACES_SAMPLER_ARG"), error.getMessage());
    }
  }
}
