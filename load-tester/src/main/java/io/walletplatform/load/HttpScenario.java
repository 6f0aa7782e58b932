package io.walletplatform.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

import java.time.Duration;
import java.util.Map;

/**
 * One request, over and over, as {@code wrk} sends it: no set-up, no audit. It measures an
 * endpoint's raw throughput and latency, and, against {@link NullServer}, what the generator itself
 * costs per request; any 2xx counts as accepted.
 */
final class HttpScenario {

  static final String HELP = """
      http: one request over and over (as wrk does), no audit; any 2xx is accepted.
        --method POST           GET or POST
        --path /                the request's path
        --body {}               a POST's JSON body
        --rate N                requests per second in the open model (1000)
        --duration 60s          measured duration
        --warmup 10s            unmeasured warm-up""";

  private final Vertx vertx;
  private final Api api;
  private final Options options;

  HttpScenario(Vertx vertx, Api api, Options options) {
    this.vertx = vertx;
    this.api = api;
    this.options = options;
  }

  Future<Report> run() {
    HttpMethod method = switch (options.text("method", "POST")) {
      case "GET" -> HttpMethod.GET;
      case "POST" -> HttpMethod.POST;
      default -> throw new IllegalArgumentException("--method must be GET or POST");
    };
    String path = options.text("path", "/");
    Buffer body = method == HttpMethod.POST ? Buffer.buffer(options.text("body", "{}")) : null;
    int rate = options.integer("rate", 1000, 1, 1_000_000);
    Duration duration = options.duration("duration", "60s");
    Duration warmUp = options.duration("warmup", "10s");
    Report report = new Report("http", Map.of("method", method.name(), "path", path, "durationSeconds", duration.toSeconds(),
        "warmUpSeconds", warmUp.toSeconds()));
    report.noAudit();
    LoadLoop loop = new LoadLoop("http", options.duration("progress", "5s"));
    return loop.run(vertx, options, rate, warmUp, duration, sequence -> api.send(method, path, body, null, 200, false)
            .map(answer -> answer.status() / 100 == 2 ? LoadLoop.Outcome.OK
                : new LoadLoop.Outcome(false, "HTTP_" + answer.status())))
        .map(ignored -> {
          report.load(loop, "request");
          return report;
        });
  }
}
