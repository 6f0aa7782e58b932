package io.walletplatform.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar load-tester/target/load-tester.jar wallet|orders [options]}: drives a running
 * deployment at a constant arrival rate, audits what it accepted, writes result.json and
 * report.html, and exits non-zero when the audit finds a discrepancy.
 */
public final class LoadTesterMain {

  static final String HELP = """
      Usage: java -jar load-tester.jar <wallet|orders> [options]

      Common options:
        --url http://localhost:8080   the deployment under test (its single entry point)
        --connections 256             HTTP connections
        --timeout 10s                 per-request timeout
        --retries 0                   send a write again (same operationId / Idempotency-Key) after no
                                      answer, a 5xx or a 409 in progress, up to this many times
        --out target/load/<scenario>  where result.json and report.html go
        --progress 5s                 a progress line this often (0s: none)

      """ + LoadPrincipals.HELP + "\n\n" + WalletScenario.HELP + "\n\n" + OrdersScenario.HELP + """


      Latency is measured from each request's intended send time (open model, no coordinated
      omission); every latency (accept, accept-to-applied, creation-to-final) covers the requests
      sent after the warm-up only, while the audit covers all of them. Exit code: 0 audit clean, 1 discrepancies found, 2 bad usage or run failure.""";

  private LoadTesterMain() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.println(HELP);
      System.exit(args.length == 0 ? 2 : 0);
    }
    System.exit(run(args));
  }

  /** Runs a scenario; returns the exit code. */
  public static int run(String[] args) throws Exception {
    String scenario = args[0];
    Options options;
    try {
      options = new Options(args, 1);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n\n" + HELP);
      return 2;
    }
    if (options.has("help")) {
      System.out.println(HELP);
      return 0;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    try {
      URI base = URI.create(options.text("url", "http://localhost:8080"));
      Api api = new Api(vertx, base,
          options.integer("connections", 256, 1, 10_000), options.duration("timeout", "10s").toMillis(),
          options.integer("retries", 0, 0, 1_000));
      Future<Report> run = switch (scenario) {
        case "wallet" -> new WalletScenario(vertx, api, base, options).run();
        case "orders" -> new OrdersScenario(vertx, api, base, options).run();
        default -> Future.failedFuture(new IllegalArgumentException("unknown scenario " + scenario));
      };
      Report report = run.toCompletionStage().toCompletableFuture().get(2, TimeUnit.HOURS);
      Path out = Path.of(options.text("out", "target/load/" + scenario));
      report.write(out);
      var summary = report.toJson();
      summary.remove("timeline");
      summary.remove("discrepancies");
      System.out.println(summary.encodePrettily());
      System.out.println("report: " + out.resolve("report.html").toAbsolutePath());
      if (!report.clean()) {
        report.toJson().getJsonArray("discrepancies").stream().limit(20).forEach(d -> System.out.println("DISCREPANCY " + d));
        return 1;
      }
      return 0;
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("run failed: " + e.getCause());
      return 2;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
