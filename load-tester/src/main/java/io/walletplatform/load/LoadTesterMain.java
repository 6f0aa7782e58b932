package io.walletplatform.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar load-tester/target/load-tester.jar wallet|mixed|orders [options]}: drives a running
 * deployment at a constant arrival rate (open model) or as fast as it answers (closed model),
 * audits what it accepted, reports CPU per request, writes result.json and report.html, and exits
 * non-zero when the audit finds a discrepancy.
 */
public final class LoadTesterMain {

  static final String HELP = """
      Usage: java -jar load-tester.jar <wallet|mixed|transactions|exchange|orders|http> [options]

      Common options:
        --url http://localhost:8080   the deployment under test (its single entry point)
        --model open                  open: requests start at --rate whatever the answers (latency from
                                      the intended send time); closed: --connections requests in flight,
                                      each connection sending when answered, like wrk (maximum throughput)
        --connections 256             HTTP connections (closed model: 64, and as many requests in flight)
        --timeout 10s                 a request fails after this long without a byte of its answer, or
                                      waiting this long for a free connection
        --retries 0                   send a write again (same operationId / Idempotency-Key) after no
                                      answer, a 5xx or a 409 in progress, up to this many times
        --out target/load/<scenario>  where result.json and report.html go
        --progress 5s                 a progress line this often (0s: none)

      """ + LoadPrincipals.HELP + "\n\n" + WalletScenario.HELP + "\n\n" + MixedScenario.HELP + "\n\n" + TransactionsScenario.HELP + "\n\n" + OrdersScenario.HELP + "\n\n" + HttpScenario.HELP + """


      Latency is measured from each request's intended send time in the open model (no coordinated
      omission) and from its send in the closed one; every latency (accept, accept-to-applied, creation-to-final) covers the requests
      sent after the warm-up only, while the audit covers all of them.
      CPU per request (the whole machine's and each process's, from /proc) covers the same window. Exit code: 0 audit clean, 1 discrepancies found, 2 bad usage or run failure.""";

  private LoadTesterMain() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.println(HELP);
      System.exit(args.length == 0 ? 2 : 0);
    }
    System.exit(run(args));
  }

  /** "CPU per request: 80.1 µs for the whole machine (platform.jar 41.2, postgres 15.0, load-tester (this) 12.3, …)". */
  static String cpuLine(io.vertx.core.json.JsonObject cpu) {
    StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "CPU per request: %.1f µs for the whole machine (",
        cpu.getDouble("machineMicrosPerRequest")));
    io.vertx.core.json.JsonObject processes = cpu.getJsonObject("processes");
    processes.fieldNames().stream().limit(5).forEach(name -> line.append(name).append(' ').append(String.format(java.util.Locale.ROOT,
        "%.1f", processes.getJsonObject(name).getDouble("microsPerRequest"))).append(", "));
    line.setLength(line.length() - 2);
    return line.append(')').toString();
  }

  /** Runs a scenario; returns the exit code. */
  public static int run(String[] args) throws Exception {
    String scenario = args[0];
    Options options;
    int connections;
    try {
      options = new Options(args, 1);
      connections = LoadLoop.connections(options);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n\n" + HELP);
      return 2;
    }
    if (options.has("help")) {
      System.out.println(HELP);
      return 0;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setPreferNativeTransport(true));
    try {
      URI base = URI.create(options.text("url", "http://localhost:8080"));
      Api api = new Api(vertx, base,
          connections, options.duration("timeout", "10s").toMillis(),
          options.integer("retries", 0, 0, 1_000));
      Future<Report> run = switch (scenario) {
        case "wallet" -> new WalletScenario(vertx, api, base, options).run();
        case "orders" -> new OrdersScenario(vertx, api, base, options).run();
        case "mixed" -> new MixedScenario(vertx, api, base, options).run();
        case "exchange" -> new TransactionsScenario(vertx, api, base, options, false).run();
        case "transactions" -> new TransactionsScenario(vertx, api, base, options, true).run();
        case "http" -> new HttpScenario(vertx, options.has("token") ? api.as(new LoadPrincipals.Principal("", options.text("token", ""))) : api,
            options).run();
        default -> Future.failedFuture(new IllegalArgumentException("unknown scenario " + scenario));
      };
      Report report = run.toCompletionStage().toCompletableFuture().get(2, TimeUnit.HOURS);
      Path out = Path.of(options.text("out", "target/load/" + scenario));
      var result = report.write(out);
      var summary = result.copy();
      summary.remove("timeline");
      summary.remove("discrepancies");
      System.out.println(summary.encodePrettily());
      if (summary.containsKey("cpu")) {
        System.out.println(cpuLine(summary.getJsonObject("cpu")));
      }
      System.out.println("report: " + out.resolve("report.html").toAbsolutePath());
      if (!report.clean()) {
        result.getJsonArray("discrepancies").stream().limit(20).forEach(d -> System.out.println("DISCREPANCY " + d));
        return 1;
      }
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("run failed: " + e.getCause());
      return 2;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
