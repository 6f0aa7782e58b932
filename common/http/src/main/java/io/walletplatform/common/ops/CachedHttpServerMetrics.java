package io.walletplatform.common.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MetricsNaming;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.micrometer.backends.BackendRegistry;
import io.vertx.micrometer.impl.VertxMetricsImpl;
import io.vertx.micrometer.impl.meters.LongGauges;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Vert.x's Micrometer metrics with the HTTP server's meters found once instead of on every request.
 * vertx-micrometer builds a meter id, sorts its tags and looks the meter up in the registry four times per
 * request (active requests, request bytes, then requests, response time and response bytes by status): 2.2 %
 * of the event loops' samples on the hot wallet (docs/benchmarks.md, #33). Here the meters of a method, and
 * of a method and status, are kept once found; the names, tags, descriptions and values are vertx-micrometer's
 * ({@code vertx_http_server_*}, by {@code method} and {@code code}), the connection-level meters are still its
 * own. One difference: a method outside HTTP's own is tagged {@code _OTHER}, not with whatever token the client
 * sent (the stock metrics registered new meters for every such token, without bound). Only the labels this
 * platform uses are cached: with a socket-level label ({@code local}, {@code remote}),
 * a path or route label or custom request tags the stock metrics are used as they are.
 */
public final class CachedHttpServerMetrics extends MicrometerMetricsFactory {

  /** HTTP's own methods; any other a client sends is counted as {@code _OTHER} (OpenTelemetry's name for it). */
  private static final Set<HttpMethod> KNOWN = Set.copyOf(HttpMethod.values());
  private static final HttpMethod OTHER = HttpMethod.valueOf("_OTHER");

  private static final Set<Label> UNCACHED = EnumSet.of(Label.LOCAL, Label.REMOTE, Label.HTTP_PATH, Label.HTTP_ROUTE);

  private static final Map<MeterRegistry, ConcurrentMap<Meter.Id, LongAdder>> GAUGES = new WeakHashMap<>(1);

  private final MeterRegistry registry;

  public CachedHttpServerMetrics(MeterRegistry registry) {
    super(registry);
    this.registry = registry;
  }

  @Override
  public VertxMetrics metrics(VertxOptions vertxOptions) {
    MetricsOptions given = vertxOptions.getMetricsOptions();
    MicrometerMetricsOptions options = given instanceof MicrometerMetricsOptions micrometer ? micrometer
        : new MicrometerMetricsOptions(given.toJson());
    BackendRegistry backend = BackendRegistries.setupBackend(options, registry);
    LongGauges gauges;
    synchronized (GAUGES) {  // as MicrometerMetricsFactory: one LongAdder per gauge of a registry, whoever registers it
      gauges = new LongGauges(GAUGES.computeIfAbsent(backend.getMeterRegistry(), r -> new ConcurrentHashMap<>()));
    }
    boolean cacheable = options.getServerRequestTagsProvider() == null
        && options.getLabels().stream().noneMatch(UNCACHED::contains);
    VertxMetricsImpl metrics = cacheable ? new Cached(options, backend, gauges)
        : new VertxMetricsImpl(options, backend, gauges);
    metrics.init();
    return metrics;
  }

  /** Creates the HTTP servers' metrics over one set of meters per process, shared by every server. */
  private static final class Cached extends VertxMetricsImpl {

    private final Meters meters;

    Cached(MicrometerMetricsOptions options, BackendRegistry backend, LongGauges gauges) {
      super(options, backend, gauges);
      meters = new Meters(backend.getMeterRegistry(), options.getMetricsNaming(), gauges,
          options.getLabels().contains(Label.HTTP_METHOD), options.getLabels().contains(Label.HTTP_CODE));
    }

    @Override
    @SuppressWarnings("unchecked")
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress address) {
      HttpServerMetrics<?, ?, ?> stock = super.createHttpServerMetrics(options, address);
      return stock == null ? null : new Server((HttpServerMetrics<Object, Object, Object>) stock, meters);
    }
  }

  /** The meters of each method (and of each method and status), created on first use. */
  private static final class Meters {

    private final MeterRegistry registry;
    private final MetricsNaming names;
    private final LongGauges gauges;
    private final boolean byMethod;
    private final boolean byCode;
    /** By method; every method outside HTTP's own (any token a client sends) under {@link #OTHER}. */
    private final ConcurrentHashMap<HttpMethod, OfMethod> methods = new ConcurrentHashMap<>();

    Meters(MeterRegistry registry, MetricsNaming naming, LongGauges gauges, boolean byMethod, boolean byCode) {
      this.registry = registry;
      this.names = naming.withBaseName(MetricsDomain.HTTP_SERVER.getPrefix());
      this.gauges = gauges;
      this.byMethod = byMethod;
      this.byCode = byCode;
    }

    OfMethod of(HttpMethod method) {
      OfMethod meters = methods.get(method);
      return meters != null ? meters : methods.computeIfAbsent(KNOWN.contains(method) ? method : OTHER, OfMethod::new);
    }

    /** One method's meters; its statuses' in an array by code (a code outside 100-599 is looked up each time). */
    private final class OfMethod {

      final Tags tags;
      final LongAdder active;
      final DistributionSummary requestBytes;
      private final AtomicReferenceArray<OfStatus> statuses = new AtomicReferenceArray<>(600);

      OfMethod(HttpMethod method) {
        tags = byMethod ? Tags.of(Label.HTTP_METHOD.toString(), method.toString()) : Tags.empty();
        active = gauges.builder(names.getHttpActiveRequests(), LongAdder::doubleValue)
            .description("Number of requests being processed").tags(tags).register(registry);
        requestBytes = DistributionSummary.builder(names.getHttpRequestBytes()).description("Size of requests in bytes")
            .tags(tags).register(registry);
      }

      /** Counts a reset: rare, so looked up each time, and a method's counter appears with its first reset. */
      void reset() {
        Counter.builder(names.getHttpRequestResetsCount()).description("Number of request resets").tags(tags)
            .register(registry).increment();
      }

      OfStatus status(int code) {
        if (code < 100 || code >= statuses.length()) {
          return new OfStatus(this, code);
        }
        OfStatus meters = statuses.get(code);
        if (meters == null) {
          meters = new OfStatus(this, code);  // two threads may both build it: the registry gives both one meter
          statuses.set(code, meters);
        }
        return meters;
      }
    }

    private final class OfStatus {

      final Counter requests;
      final Timer time;
      final DistributionSummary responseBytes;

      OfStatus(OfMethod method, int code) {
        Tags tags = byCode ? method.tags.and(Label.HTTP_CODE.toString(), String.valueOf(code)) : method.tags;
        requests = Counter.builder(names.getHttpRequestsCount()).description("Number of processed requests")
            .tags(tags).register(registry);
        time = Timer.builder(names.getHttpResponseTime()).description("Request processing time")
            .tags(tags).register(registry);
        responseBytes = DistributionSummary.builder(names.getHttpResponseBytes())
            .description("Size of responses in bytes").tags(tags).register(registry);
      }
    }
  }

  /** One request: vertx-micrometer's bookkeeping (active until both its request and its response ended, or reset). */
  private static final class Request {

    final Meters.OfMethod meters;
    final long start = System.nanoTime();
    boolean requestEnded;
    boolean responseEnded;
    boolean reset;

    Request(Meters.OfMethod meters) {
      this.meters = meters;
    }
  }

  /** One HTTP server's metrics: requests through the cache, connections and WebSockets through the stock ones. */
  private static final class Server implements HttpServerMetrics<Request, Object, Object> {

    private final HttpServerMetrics<Object, Object, Object> stock;
    private final Meters meters;

    Server(HttpServerMetrics<Object, Object, Object> stock, Meters meters) {
      this.stock = stock;
      this.meters = meters;
    }

    @Override
    public Request requestBegin(Object socketMetric, HttpRequest request) {
      return begin(request.method());
    }

    @Override
    public Request responsePushed(Object socketMetric, HttpMethod method, String uri, HttpResponse response) {
      return begin(method);
    }

    private Request begin(HttpMethod method) {
      Request request = new Request(meters.of(method));
      request.meters.active.increment();
      return request;
    }

    @Override
    public void requestEnd(Request request, HttpRequest httpRequest, long bytesRead) {
      request.meters.requestBytes.record(bytesRead);
      request.requestEnded = true;
      if (!request.reset && request.responseEnded) {
        request.meters.active.decrement();
      }
    }

    @Override
    public void requestReset(Request request) {
      request.meters.reset();
      request.meters.active.decrement();
      request.reset = true;
    }

    @Override
    public void responseEnd(Request request, HttpResponse response, long bytesWritten) {
      Meters.OfStatus status = request.meters.status(response.statusCode());
      status.requests.increment();
      status.time.record(System.nanoTime() - request.start, TimeUnit.NANOSECONDS);
      status.responseBytes.record(bytesWritten);
      request.responseEnded = true;
      if (!request.reset && request.requestEnded) {
        request.meters.active.decrement();
      }
    }

    @Override
    public Object connected(Object socketMetric, Request request, ServerWebSocket webSocket) {
      return stock.connected(socketMetric, null, webSocket);
    }

    @Override
    public void disconnected(Object webSocketMetric) {
      stock.disconnected(webSocketMetric);
    }

    @Override
    public Object connected(SocketAddress remoteAddress, String remoteName) {
      return stock.connected(remoteAddress, remoteName);
    }

    @Override
    public void disconnected(Object socketMetric, SocketAddress remoteAddress) {
      stock.disconnected(socketMetric, remoteAddress);
    }

    @Override
    public void bytesRead(Object socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
      stock.bytesRead(socketMetric, remoteAddress, numberOfBytes);
    }

    @Override
    public void bytesWritten(Object socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
      stock.bytesWritten(socketMetric, remoteAddress, numberOfBytes);
    }

    @Override
    public void exceptionOccurred(Object socketMetric, SocketAddress remoteAddress, Throwable t) {
      stock.exceptionOccurred(socketMetric, remoteAddress, t);
    }

    @Override
    public void close() {
      stock.close();
    }
  }
}
