package io.walletplatform.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Wallets under a constant arrival rate of DEPOSIT/WITHDRAW operations, then an audit of every
 * accepted operation: applied exactly once and finally, balances that add up and never go below
 * zero, the cache equal to the store, and application order consistent with acceptance order.
 */
final class WalletScenario {

  static final String HELP = """
      wallet: constant-rate DEPOSIT/WITHDRAW operations, then an audit.
        --wallets N             wallets to create (1)
        --principals N          owners the wallets are spread over, each with its token (min(wallets, 100))
        --rate N                operations per second per wallet (1000)
        --duration 60s          measured duration
        --warmup 10s            unmeasured warm-up at the same rate
        --deposit-ratio 0.55    share of DEPOSITs
        --min-amount 0.01       smallest amount
        --max-amount 20.00      largest amount
        --initial-balance 100   balance of each new wallet
        --duplicates 0.0        share of requests that resubmit an accepted operationId
        --settle-timeout 120s   how long to wait for every accepted operation to be applied
        --audit full            full: every accepted operation's history replayed (the client keeps each one);
                                totals: for long runs of one fixed-size DEPOSIT (--deposit-ratio 1, --min-amount
                                = --max-amount, no duplicates): each wallet's version and balance against the
                                count the client saw accepted, in constant memory (no accept-to-applied latency)""";

  /** One accepted operation, as the client saw it. */
  private record Accepted(UUID operationId, int wallet, boolean deposit, long amountMinor, long sentNanos, long ackNanos,
                          boolean measured) {
  }

  private final Vertx vertx;
  private final Api api;
  private final java.net.URI base;
  private final Options options;
  private final List<Api> owners = new ArrayList<>();

  WalletScenario(Vertx vertx, Api api, java.net.URI base, Options options) {
    this.vertx = vertx;
    this.api = api;
    this.base = base;
    this.options = options;
  }

  Future<Report> run() {
    int walletCount = options.integer("wallets", 1, 1, 100_000);
    int ratePerWallet = options.integer("rate", 1000, 1, 1_000_000);
    Duration duration = options.duration("duration", "60s");
    Duration warmUp = options.duration("warmup", "10s");
    double depositRatio = options.fraction("deposit-ratio", 0.55);
    long minAmount = options.amountMinor("min-amount", "0.01");
    long maxAmount = options.amountMinor("max-amount", "20.00");
    long initialMinor = options.amountMinor("initial-balance", "100.00");
    double duplicates = options.fraction("duplicates", 0.0);
    Duration settleTimeout = options.duration("settle-timeout", "120s");
    boolean totals = switch (options.text("audit", "full")) {
      case "full" -> false;
      case "totals" -> true;
      default -> throw new IllegalArgumentException("--audit is full or totals");
    };
    if (totals && (depositRatio != 1.0 || minAmount != maxAmount || duplicates > 0)) {
      // Withdrawals may fail and amounts differ: then a count and a sum no longer determine the history.
      throw new IllegalArgumentException("--audit totals needs --deposit-ratio 1, --min-amount equal to --max-amount"
          + " and no --duplicates");
    }

    Report report = new Report("wallet", Map.of("wallets", walletCount, "ratePerWallet", ratePerWallet,
        "durationSeconds", duration.toSeconds(), "warmUpSeconds", warmUp.toSeconds(), "depositRatio", depositRatio,
        "minAmount", Api.amount(minAmount), "maxAmount", Api.amount(maxAmount), "duplicates", duplicates));
    List<UUID> wallets = new ArrayList<>();
    List<Long> createdVersions = new ArrayList<>();
    long[] acceptedPerWallet = new long[walletCount];
    long[] unknownPerWallet = new long[walletCount];
    int principalCount = options.integer("principals", Math.min(walletCount, 100), 1, 100_000);
    List<Accepted> accepted = new ArrayList<>();
    // Sent but not answered (timeout, broken connection): the server may still have accepted them.
    Map<UUID, Accepted> unknown = new HashMap<>();
    Random random = new Random(42);
    LoadLoop loop = new LoadLoop("accept", options.duration("progress", "5s"));
    OperationIds ids = new OperationIds();
    long[] duplicatesSent = {0};

    Future<Void> created = LoadPrincipals.obtain(api, options, base, principalCount).map(principals -> {
      principals.forEach(principal -> owners.add(api.as(principal)));
      return null;
    }).compose(ignored -> InOrder.run(walletCount, index -> owner(index).post("/api/v1/wallets", "{\"initialBalance\":"
            + Api.amount(initialMinor) + "}")
        .compose(response -> {
          if (response.statusCode() != 201) {
            return Future.failedFuture("creating a wallet answered " + response.statusCode() + ": " + response.bodyAsString());
          }
          createdVersions.add(response.bodyAsJsonObject().getLong("version"));
          return Future.succeededFuture(wallets.add(UUID.fromString(response.bodyAsJsonObject().getString("walletId"))));
        })));
    return created.compose(ignored -> loop.run(vertx, options, (double) ratePerWallet * walletCount, warmUp, duration, sequence -> {
          int wallet = (int) (sequence % walletCount);
          if (duplicates > 0 && !accepted.isEmpty() && random.nextDouble() < duplicates) {
            Accepted again = accepted.get(random.nextInt(accepted.size()));
            duplicatesSent[0]++;
            return submit(again.wallet(), wallets.get(again.wallet()), again.deposit(), again.amountMinor(), again.operationId())
                .map(response -> response.status() == 202 ? LoadLoop.Outcome.OK
                    : new LoadLoop.Outcome(false, Api.errorCode(response)));
          }
          boolean deposit = random.nextDouble() < depositRatio;
          long amount = minAmount + (long) (random.nextDouble() * (maxAmount - minAmount + 1));
          UUID operationId = ids.next();
          long sent = System.nanoTime();
          return submit(wallet, wallets.get(wallet), deposit, amount, operationId).map(response -> {
            if (response.status() != 202) {
              return new LoadLoop.Outcome(false, Api.errorCode(response));
            }
            if (totals) {
              acceptedPerWallet[wallet]++;
            } else {
              accepted.add(new Accepted(operationId, wallet, deposit, amount, sent, System.nanoTime(),
                  loop.measured(sequence)));
            }
            return LoadLoop.Outcome.OK;
          }).onFailure(error -> {
            if (totals) {
              unknownPerWallet[wallet]++;
            } else {
              unknown.put(operationId, new Accepted(operationId, wallet, deposit, amount, sent, Long.MAX_VALUE,
                  loop.measured(sequence)));
            }
          });
        }))
        .compose(ignored -> {
          report.load(loop, "accept");
          report.metric("duplicatesSent", duplicatesSent[0]);
          if (totals) {
            report.metric("unanswered", java.util.Arrays.stream(unknownPerWallet).sum());
            return settleAndAuditTotals(wallets, createdVersions, acceptedPerWallet, unknownPerWallet, initialMinor,
                minAmount, settleTimeout, report);
          }
          report.metric("unanswered", unknown.size());
          return settleAndAudit(wallets, accepted, unknown, initialMinor, settleTimeout, loop, report);
        })
        .map(report);
  }

  /** The owner of wallet number {@code index}: wallets are spread over the principals round robin. */
  private Api owner(int index) {
    return owners.get(index % owners.size());
  }

  private Future<Api.Answer> submit(int index, UUID walletId, boolean deposit, long amountMinor, UUID operationId) {
    String body = "{\"walletId\":\"" + walletId + "\",\"operationType\":\""
        + (deposit ? "DEPOSIT" : "WITHDRAW") + "\",\"amount\":" + Api.amount(amountMinor) + ",\"operationId\":\""
        + operationId + "\"}";
    return owner(index).write("/api/v1/wallet", Buffer.buffer(body), null, 202, false);
  }

  private Future<Void> settleAndAudit(List<UUID> wallets, List<Accepted> accepted, Map<UUID, Accepted> unknown,
                                      long initialMinor, Duration timeout, LoadLoop loop, Report report) {
    Map<Integer, List<Accepted>> byWallet = new HashMap<>();
    accepted.forEach(op -> byWallet.computeIfAbsent(op.wallet(), w -> new ArrayList<>()).add(op));
    long deadline = System.nanoTime() + timeout.toNanos();
    Histogram appliedMillis = new Histogram(TimeUnit.MINUTES.toMillis(10), 3);
    long settleStart = System.nanoTime();
    long[] appliedCount = {0};
    long[] appliedInWindow = {0};
    Future<Void> audited = InOrder.run(wallets.size(), wallet -> {
      List<Accepted> expected = byWallet.getOrDefault(wallet, List.of());
      return settled(owner(wallet), wallets.get(wallet), expected.size(), deadline)
          .compose(applied -> owner(wallet).get("/api/v1/wallets/" + wallets.get(wallet)).compose(response ->
              // Hundreds of thousands of operations take seconds to replay: off the event loop, one wallet after another.
              vertx.executeBlocking(() -> {
                appliedCount[0] += applied.size();
                appliedInWindow[0] += applied.stream().filter(operation -> operation.getString("processedAt") != null
                    && loop.inWindow(Instant.parse(operation.getString("processedAt")))).count();
                audit(wallets.get(wallet), expected, unknown, applied, initialMinor, response.bodyAsJsonObject(),
                    appliedMillis, report);
                return null;
              })));
    });
    return audited.onComplete(ignored -> {
      report.histogramMillis("acceptToApplied", appliedMillis);
      report.metric("settleSeconds", (System.nanoTime() - settleStart) / 1e9);
      report.metric("applied", appliedCount[0]);
      report.metric("appliedPerSecond", appliedInWindow[0] / loop.windowSeconds());
    });
  }

  /**
   * The audit of a run of one fixed-size DEPOSIT: each applied one adds exactly {@code amount} and
   * one version, so a wallet's version and balance tell how many were applied. Every accepted one
   * must be (no more than the accepted and unanswered ones together: none twice, none from
   * elsewhere), the balance must be the initial one plus that many deposits, and the served
   * balance must be the last applied operation's {@code balanceAfter} (cache equal to store).
   */
  private Future<Void> settleAndAuditTotals(List<UUID> wallets, List<Long> createdVersions, long[] accepted,
                                            long[] unanswered, long initialMinor, long amountMinor, Duration timeout,
                                            Report report) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long settleStart = System.nanoTime();
    long[] appliedCount = {0};
    Future<Void> audited = InOrder.run(wallets.size(), wallet -> {
      UUID walletId = wallets.get(wallet);
      return settledVersion(owner(wallet), walletId, createdVersions.get(wallet) + accepted[wallet],
              deadline)
          .compose(served -> owner(wallet).get("/api/v1/wallets/" + walletId + "/operations?limit=1").compose(latest -> {
            if (latest.statusCode() != 200) {
              return Future.failedFuture("GET operations of " + walletId + " answered " + latest.statusCode() + ": "
                  + latest.bodyAsString());
            }
            long applied = served.getLong("version") - createdVersions.get(wallet);
            appliedCount[0] += applied;
            long balance = Api.minor(served, "balance");
            if (applied < accepted[wallet]) {
              report.discrepancy("wallet " + walletId + ": " + (accepted[wallet] - applied) + " of " + accepted[wallet]
                  + " accepted operations were never applied");
            }
            if (applied > accepted[wallet] + unanswered[wallet]) {
              report.discrepancy("wallet " + walletId + ": " + applied + " operations applied, more than the " + accepted[wallet]
                  + " accepted and " + unanswered[wallet] + " unanswered ones: applied twice, or not sent by this run");
            }
            long expected = Math.addExact(initialMinor, Math.multiplyExact(applied, amountMinor));
            if (balance != expected) {
              report.discrepancy("wallet " + walletId + ": balance " + Api.amount(balance) + " after " + applied
                  + " deposits of " + Api.amount(amountMinor) + " onto " + Api.amount(initialMinor) + ", expected "
                  + Api.amount(expected));
            }
            io.vertx.core.json.JsonArray items = latest.bodyAsJsonObject().getJsonArray("items");
            if (applied > 0 && (items.isEmpty() || Api.minor(items.getJsonObject(0), "balanceAfter") != balance)) {
              report.discrepancy("wallet " + walletId + ": served balance " + Api.amount(balance)
                  + " is not the last applied operation's balanceAfter: " + items.encode());
            }
            return Future.<Void>succeededFuture();
          }));
    });
    return audited.onComplete(ignored -> {
      report.metric("settleSeconds", (System.nanoTime() - settleStart) / 1e9);
      report.metric("applied", appliedCount[0]);
    });
  }

  /** Polls the wallet until its version reaches {@code version}, or the deadline passes; the wallet as last served. */
  private Future<JsonObject> settledVersion(Api api, UUID walletId, long version, long deadline) {
    return api.get("/api/v1/wallets/" + walletId).compose(response -> {
      if (response.statusCode() != 200) {
        return Future.failedFuture("GET wallet " + walletId + " answered " + response.statusCode() + ": " + response.bodyAsString());
      }
      JsonObject wallet = response.bodyAsJsonObject();
      if (wallet.getLong("version") >= version || System.nanoTime() > deadline) {
        return Future.succeededFuture(wallet);
      }
      return vertx.timer(500).compose(ignored -> settledVersion(api, walletId, version, deadline));
    });
  }

  /** Polls until the wallet lists as many operations as were accepted for it, or the deadline passes. */
  private Future<List<JsonObject>> settled(Api api, UUID walletId, int expected, long deadline) {
    return api.all("/api/v1/wallets/" + walletId + "/operations").compose(applied -> {
      if (applied.size() >= expected || System.nanoTime() > deadline) {
        return Future.succeededFuture(applied);
      }
      return vertx.timer(500).compose(ignored -> settled(api, walletId, expected, deadline));
    });
  }

  /**
   * Unanswered requests that the server applied anyway (it accepted them after the client gave up)
   * are part of the wallet's history: they are replayed too, but they are not required to appear.
   */
  private static void audit(UUID walletId, List<Accepted> expected, Map<UUID, Accepted> unknown, List<JsonObject> applied,
                            long initialMinor, JsonObject wallet, Histogram appliedMillis, Report report) {
    Map<UUID, Accepted> byId = new HashMap<>();
    expected.forEach(op -> byId.put(op.operationId(), op));
    Map<UUID, Integer> seen = new HashMap<>();
    long running = initialMinor;
    long deposits = 0;
    long withdrawals = 0;
    List<Accepted> applicationOrder = new ArrayList<>();
    for (JsonObject operation : applied) {
      UUID id = UUID.fromString(operation.getString("operationId"));
      if (seen.merge(id, 1, Integer::sum) > 1) {
        report.discrepancy("wallet " + walletId + ": operation " + id + " applied more than once");
      }
      Accepted mine = byId.containsKey(id) ? byId.get(id) : unknown.get(id);
      if (mine == null) {
        report.discrepancy("wallet " + walletId + ": operation " + id + " was applied but never sent by this run");
        continue;
      }
      applicationOrder.add(mine);
      long amount = Api.minor(operation, "amount");
      if (amount != mine.amountMinor()) {
        report.discrepancy("wallet " + walletId + ": operation " + id + " applied with amount " + amount);
      }
      String status = operation.getString("status");
      if ("COMPLETED".equals(status)) {
        running += mine.deposit() ? amount : -amount;
        if (mine.deposit()) {
          deposits += amount;
        } else {
          withdrawals += amount;
        }
      } else if ("FAILED".equals(status)) {
        if (mine.deposit() || running >= amount) {
          report.discrepancy("wallet " + walletId + ": operation " + id + " FAILED although it fit: " + operation.encode());
        }
      } else {
        report.discrepancy("wallet " + walletId + ": operation " + id + " is " + status);
      }
      if (running < 0) {
        report.discrepancy("wallet " + walletId + ": balance went negative at " + id);
      }
      if (Api.minor(operation, "balanceAfter") != running) {
        report.discrepancy("wallet " + walletId + ": balanceAfter of " + id + " is " + operation.getValue("balanceAfter")
            + ", the replay in application order gives " + Api.amount(running));
      }
      if (mine.measured() && operation.getString("processedAt") != null) {
        long millis = Instant.parse(operation.getString("processedAt")).toEpochMilli()
            - Instant.parse(operation.getString("acceptedAt")).toEpochMilli();
        appliedMillis.recordValue(Math.max(0, Math.min(millis, appliedMillis.getHighestTrackableValue())));
      }
    }
    for (Accepted op : expected) {
      if (!seen.containsKey(op.operationId())) {
        report.discrepancy("wallet " + walletId + ": accepted operation " + op.operationId() + " was never applied");
      }
    }
    if (running != initialMinor + deposits - withdrawals) {
      report.discrepancy("wallet " + walletId + ": final balance does not add up");
    }
    long cached = Api.minor(wallet, "balance");
    if (cached != running) {
      report.discrepancy("wallet " + walletId + ": served balance " + Api.amount(cached) + " differs from the stored "
          + Api.amount(running));
    }
    // An operation acknowledged before another was even sent must be applied before it.
    long minAckAfter = Long.MAX_VALUE;
    for (int i = applicationOrder.size() - 1; i >= 0; i--) {
      Accepted op = applicationOrder.get(i);
      if (minAckAfter < op.sentNanos()) {
        report.discrepancy("wallet " + walletId + ": operation " + op.operationId()
            + " was applied after one acknowledged before it was sent");
      }
      minAckAfter = Math.min(minAckAfter, op.ackNanos());
    }
  }
}
