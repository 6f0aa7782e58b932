package io.walletplatform.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * Transactions under load (docs/transactions.md), in two shapes. {@code transactions}: USD wallets,
 * each transaction N postings between random distinct wallets (the benchmark of the transaction path).
 * {@code exchange}: customers each with an EUR and a USD wallet; the platform's EUR and USD liquidity
 * wallets and its EUR fee wallet; each transaction sells a random EUR amount: customer EUR to
 * liquidity EUR, liquidity USD to customer USD at the rate, the fee from customer EUR to the fee
 * wallet; some fail for want of EUR or of USD liquidity. One principal holds every wallet (a treasury
 * acting for its customers). The audit: every accepted transaction ends COMPLETED or FAILED; a
 * COMPLETED one has every posting in its wallets' histories with its id and a FAILED one none (no
 * partial transaction); each asset's total is what was brought in (nothing is created or lost in
 * either asset); no balance below zero, nothing left held.
 */
final class TransactionsScenario {

  static final String HELP = """
      transactions: N-posting USD transactions between random wallets (each posting two distinct wallets
      picked at random), then the same audit as exchange: a benchmark of the transaction path against
      TRANSFER (mixed --mix 0,0,100,0,0) over the same wallets.
        --wallets N             wallets (1000), each with --initial-balance (100.00)
        --postings N            postings per transaction (3), 1 to 32
        --rate, --duration, --warmup, --max-amount (10.00), --settle-timeout as below

      exchange: EUR to USD exchanges, each one transaction of three postings, then a per-asset audit.
        --customers N           customers, each with an EUR and a USD wallet (20)
        --rate N                transactions per second (50)
        --duration 30s          measured duration
        --warmup 5s             unmeasured warm-up at the same rate
        --initial-balance 500   EUR of each customer
        --liquidity 5000        USD of the platform's liquidity wallet
        --max-amount 50.00      largest EUR amount sold (smallest 1.00)
        --settle-timeout 180s   how long to wait for every accepted transaction to settle""";

  private static final BigDecimal RATE = new BigDecimal("1.0850");
  private static final BigDecimal FEE = new BigDecimal("0.005");

  /** One accepted transaction: its postings as {from, to, amountMinor} wallet indexes. */
  private record Sent(UUID transactionId, long[][] postings) {
  }

  private final Vertx vertx;
  private final Api api;
  private final java.net.URI base;
  private final Options options;

  /**
   * What a run trades: its wallets (each one's asset and initial balance, by index), the postings of
   * one transaction as {from, to, amountMinor} wallet indexes, and the metadata each carries.
   */
  private record Shape(String name, Map<String, Object> parameters, int wallets, IntFunction<String> asset,
                       IntToLongFunction initial, Function<Random, long[][]> postings, JsonObject metadata) {

    /** Random postings between distinct USD wallets, each created with the initial balance. */
    static Shape spread(Options options, Map<String, Object> common) {
      int wallets = options.integer("wallets", 1000, 2, 100_000);
      int count = options.integer("postings", 3, 1, 32);
      long initial = options.amountMinor("initial-balance", "100.00");
      long maxAmount = options.amountMinor("max-amount", "10.00");
      Map<String, Object> parameters = new HashMap<>(common);
      parameters.put("wallets", wallets);
      parameters.put("postings", count);
      return new Shape("transactions", parameters, wallets, index -> "USD", index -> initial,
          random -> spreadPostings(random, wallets, count, maxAmount), new JsonObject().put("scenario", "transactions"));
    }

    /** Wallets: 0 liquidity EUR, 1 liquidity USD, 2 fees EUR, then customer i: EUR 3 + 2i, USD 4 + 2i. */
    static Shape exchange(Options options, Map<String, Object> common) {
      int customers = options.integer("customers", 20, 1, 10_000);
      long initial = options.amountMinor("initial-balance", "500.00");
      long liquidity = options.amountMinor("liquidity", "5000.00");
      long maxAmount = options.amountMinor("max-amount", "50.00");
      Map<String, Object> parameters = new HashMap<>(common);
      parameters.put("customers", customers);
      IntFunction<String> asset = index -> index == 1 || (index >= 3 && (index - 3) % 2 == 1) ? "USD" : "EUR";
      return new Shape("exchange", parameters, 3 + 2 * customers, asset,
          index -> index == 1 ? liquidity : index >= 3 && asset.apply(index).equals("EUR") ? initial : 0,
          random -> exchangePostings(random, customers, maxAmount),
          new JsonObject().put("pair", "EUR/USD").put("rate", RATE.toPlainString()));
    }

    /** What the wallets were created with, per asset: the audit's expected totals ({EUR, USD}). */
    long[] broughtIn() {
      long[] totals = new long[2];
      for (int index = 0; index < wallets; index++) {
        totals[asset.apply(index).equals("EUR") ? 0 : 1] += initial.applyAsLong(index);
      }
      return totals;
    }
  }

  /** {@code true}: the transactions scenario (random postings between USD wallets); {@code false}: exchange. */
  private final boolean spread;

  TransactionsScenario(Vertx vertx, Api api, java.net.URI base, Options options, boolean spread) {
    this.spread = spread;
    this.vertx = vertx;
    this.api = api;
    this.base = base;
    this.options = options;
  }

  Future<Report> run() {
    int rate = options.integer("rate", 50, 1, 100_000);
    Duration duration = options.duration("duration", "30s");
    Duration warmUp = options.duration("warmup", "5s");
    Duration settleTimeout = options.duration("settle-timeout", "180s");
    Map<String, Object> common = Map.of("rate", rate, "durationSeconds", duration.toSeconds());
    Shape shape = spread ? Shape.spread(options, common) : Shape.exchange(options, common);
    Report report = new Report(shape.name(), shape.parameters());
    List<UUID> wallets = new ArrayList<>();
    List<String> assets = new ArrayList<>();
    Map<UUID, Sent> accepted = new HashMap<>();
    Random random = new Random(11);
    LoadLoop loop = new LoadLoop("accept", options.duration("progress", "5s"));
    Api[] treasury = new Api[1];
    Future<Void> created = LoadPrincipals.obtain(api, options, base, 1).compose(principals -> {
      treasury[0] = api.as(principals.get(0));
      return InOrder.run(shape.wallets(), index -> {
        String asset = shape.asset().apply(index);
        return treasury[0].post("/api/v1/wallets", "{\"asset\":\"" + asset + "\",\"initialBalance\":"
                + Api.amount(shape.initial().applyAsLong(index)) + "}")
            .compose(response -> response.statusCode() != 201
                ? Future.failedFuture("creating a wallet answered " + response.statusCode() + ": " + response.bodyAsString())
                : Future.succeededFuture(wallets.add(UUID.fromString(response.bodyAsJsonObject().getString("walletId")))
                    && assets.add(asset)));
      });
    });
    long[] broughtIn = shape.broughtIn();
    CpuSample[] cpuFrom = new CpuSample[1];
    long[] loadStarted = new long[1];
    UUID[] newest = new UUID[1];
    return created.compose(ignored -> {
          cpuFrom[0] = CpuSample.take();
          loadStarted[0] = System.nanoTime();
          return loop.run(vertx, options, rate, warmUp, duration, sequence -> {
            long[][] postings = shape.postings().apply(random);
            JsonArray body = new JsonArray();
            for (long[] posting : postings) {
              body.add(new JsonObject().put("from", wallets.get((int) posting[0]).toString())
                  .put("to", wallets.get((int) posting[1]).toString()).put("amount", new BigDecimal(Api.amount(posting[2]))));
            }
            UUID transactionId = UUID.randomUUID();
            String json = new JsonObject().put("transactionId", transactionId.toString()).put("postings", body)
                .put("metadata", shape.metadata()).encode();
            return treasury[0].write("/api/v1/transactions", Buffer.buffer(json), null, 202, false).map(response -> {
              if (response.status() != 202) {
                return new LoadLoop.Outcome(false, Api.errorCode(response));
              }
              accepted.put(transactionId, new Sent(transactionId, postings));
              newest[0] = transactionId;
              return LoadLoop.Outcome.OK;
            });
          });
        })
        .compose(ignored -> {
          report.load(loop, "accept");
          report.metric("acceptedTransactions", accepted.size());
          long deadline = System.nanoTime() + settleTimeout.toNanos();
          // The coordinator settles the oldest first: once the newest is final, the backlog is gone.
          // Settled per second and CPU per transaction cover the whole load (warm-up included) until then.
          return newestFinal(treasury[0], newest[0], deadline).compose(settledAt -> {
            CpuSample cpuTo = CpuSample.take();
            double seconds = (settledAt - loadStarted[0]) / 1e9;
            report.metric("settledPerSecond", accepted.size() / seconds);
            report.metric("settleCpu", Report.cpu(cpuFrom[0], cpuTo, accepted.size()));
            return settle(treasury[0], new ArrayList<>(accepted.values()), new HashMap<>(), deadline);
          }).compose(statuses -> audit(treasury[0], wallets, assets, accepted, statuses, broughtIn, report));
        })
        .map(report);
  }

  /** Customer EUR to liquidity EUR, liquidity USD to customer USD at the rate, the fee to the fee wallet. */
  private static long[][] exchangePostings(Random random, int customers, long maxAmount) {
    int eur = 3 + 2 * random.nextInt(customers);
    long sold = 100 + (long) (random.nextDouble() * Math.max(0, maxAmount - 100));
    long bought = BigDecimal.valueOf(sold).multiply(RATE).setScale(0, RoundingMode.DOWN).longValueExact();
    long fee = Math.max(1, BigDecimal.valueOf(sold).multiply(FEE).setScale(0, RoundingMode.UP).longValueExact());
    return new long[][] {{eur, 0, sold}, {1, eur + 1, bought}, {eur, 2, fee}};
  }

  /** {@code count} postings, each between two distinct random wallets, of 0.01 to {@code maxAmount}. */
  private static long[][] spreadPostings(Random random, int wallets, int count, long maxAmount) {
    long[][] postings = new long[count][];
    for (int i = 0; i < count; i++) {
      int from = random.nextInt(wallets);
      int to = (from + 1 + random.nextInt(wallets - 1)) % wallets;
      postings[i] = new long[] {from, to, 1 + (long) (random.nextDouble() * (maxAmount - 1))};
    }
    return postings;
  }

  /** When the newest accepted transaction (none: now) was first seen final, read every 100 ms until the deadline. */
  private Future<Long> newestFinal(Api treasury, UUID newest, long deadline) {
    if (newest == null || System.nanoTime() > deadline) {
      return Future.succeededFuture(System.nanoTime());
    }
    return treasury.get("/api/v1/transactions/" + newest).compose(response -> {
      String status = response.statusCode() == 200 ? response.bodyAsJsonObject().getString("status") : null;
      return "COMPLETED".equals(status) || "FAILED".equals(status) ? Future.succeededFuture(System.nanoTime())
          : vertx.timer(100).compose(ignored -> newestFinal(treasury, newest, deadline));
    });
  }

  /** Every accepted transaction's final status, read until none is PENDING or the deadline passes. */
  private Future<Map<UUID, String>> settle(Api treasury, List<Sent> sent, Map<UUID, String> statuses, long deadline) {
    List<Sent> open = sent.stream().filter(one -> !statuses.containsKey(one.transactionId())).toList();
    return InOrder.run(open.size(), index -> treasury.get("/api/v1/transactions/" + open.get(index).transactionId())
            .map(response -> {
              String status = response.statusCode() == 200 ? response.bodyAsJsonObject().getString("status") : null;
              if ("COMPLETED".equals(status) || "FAILED".equals(status)) {
                statuses.put(open.get(index).transactionId(), status);
              }
              return null;
            }))
        .compose(ignored -> statuses.size() == sent.size() || System.nanoTime() > deadline
            ? Future.succeededFuture(statuses)
            : vertx.timer(500).compose(more -> settle(treasury, sent, statuses, deadline)));
  }

  private Future<Void> audit(Api treasury, List<UUID> wallets, List<String> assets, Map<UUID, Sent> accepted,
                             Map<UUID, String> statuses, long[] broughtIn, Report report) {
    Map<UUID, Integer> rowsByTransaction = new HashMap<>();
    long[] totals = new long[2];
    long[] completed = {0};
    statuses.values().forEach(status -> completed[0] += "COMPLETED".equals(status) ? 1 : 0);
    return InOrder.run(wallets.size(), index -> treasury.all("/api/v1/wallets/" + wallets.get(index) + "/operations")
            .compose(history -> {
              for (JsonObject operation : history) {
                String transactionId = operation.getString("transactionId");
                // A posting's row is in both wallets' histories: count it from its debited side only.
                if (transactionId != null && operation.getString("fromWalletId") == null) {
                  rowsByTransaction.merge(UUID.fromString(transactionId), 1, Integer::sum);
                }
              }
              return treasury.get("/api/v1/wallets/" + wallets.get(index));
            })
            .map(response -> {
              JsonObject wallet = response.bodyAsJsonObject();
              long balance = Api.minor(wallet, "balance");
              if (balance < 0 || Api.minor(wallet, "held") != 0) {
                report.discrepancy("wallet " + wallets.get(index) + " is below zero or still holds a reservation: "
                    + wallet.encode());
              }
              totals[assets.get(index).equals("EUR") ? 0 : 1] += balance;
              return null;
            }))
        .onSuccess(ignored -> {
          report.metric("completedTransactions", completed[0]);
          report.metric("failedTransactions", statuses.size() - completed[0]);
          for (Sent sent : accepted.values()) {
            String status = statuses.get(sent.transactionId());
            int rows = rowsByTransaction.getOrDefault(sent.transactionId(), 0);
            if (status == null) {
              report.discrepancy("transaction " + sent.transactionId() + " never settled");
            } else if (status.equals("COMPLETED") && rows != sent.postings().length) {
              report.discrepancy("COMPLETED transaction " + sent.transactionId() + " shows " + rows + " of its "
                  + sent.postings().length + " postings");
            } else if (status.equals("FAILED") && rows != 0) {
              report.discrepancy("FAILED transaction " + sent.transactionId() + " moved " + rows + " postings");
            }
          }
          report.metric("totalEur", Api.amount(totals[0]));
          report.metric("totalUsd", Api.amount(totals[1]));
          String[] names = {"EUR", "USD"};
          for (int asset = 0; asset < 2; asset++) {
            if (totals[asset] != broughtIn[asset]) {
              report.discrepancy(names[asset] + " is not conserved: the wallets hold " + Api.amount(totals[asset])
                  + ", " + Api.amount(broughtIn[asset]) + " was brought in");
            }
          }
        })
        .mapEmpty();
  }
}
