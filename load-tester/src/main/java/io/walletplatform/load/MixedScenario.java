package io.walletplatform.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * A set of wallets under a constant arrival rate of every operation type: deposits, withdrawals,
 * transfers between the wallets (in every direction), holds then captures or voids, and holds left
 * to expire. The audit checks what must hold whatever the interleaving: every accepted operation
 * ends COMPLETED or FAILED exactly once in its wallet's history; replaying each wallet's own
 * history (its operations and the transfers it received) gives every balanceAfter and the final
 * balance; the sum of all balances moves only by deposits, withdrawals and captures (money leaving
 * the set), never by transfers; each wallet's held amount is the sum of its ACTIVE holds; no balance
 * and no available amount is ever below zero; and no hold stays ACTIVE past its expiry.
 */
final class MixedScenario {

  static final String HELP = """
      mixed: every operation type between a set of wallets, then a conservation audit.
        --wallets N             wallets (20), spread over --principals owners (min(wallets, 10))
        --rate N                operations per second in all (200)
        --duration 30s          measured duration
        --warmup 5s             unmeasured warm-up at the same rate
        --initial-balance 1000  balance of each new wallet
        --max-amount 50.00      largest amount (smallest 0.01)
        --mix 25,20,30,15,10    percent of DEPOSIT, WITHDRAW, TRANSFER, HOLD, and CAPTURE or VOID of an open
                                hold (a DEPOSIT while none is open); 0,0,100,0,0: transfers only
        --expire-ratio 0.2      share of holds that expire (--hold-expiry after they are placed) instead of
                                being captured or voided
        --hold-expiry 5s        how long those holds live
        --settle-timeout 180s   how long to wait for every accepted operation, and every expiring hold, to settle""";

  private enum Kind { DEPOSIT, WITHDRAW, TRANSFER, HOLD, CAPTURE, VOID }

  /** One accepted operation as the client sent it. */
  private record Sent(UUID operationId, int wallet, Kind kind, long amountMinor, int toWallet, UUID holdId) {
  }

  private final Vertx vertx;
  private final Api api;
  private final java.net.URI base;
  private final Options options;
  private final List<Api> owners = new ArrayList<>();
  /** Per wallet, from its history: {index, replayed balance, sum of its ACTIVE holds}. */
  private final List<long[]> walletChecks = new ArrayList<>();
  private final long[] totals = {0};

  MixedScenario(Vertx vertx, Api api, java.net.URI base, Options options) {
    this.vertx = vertx;
    this.api = api;
    this.base = base;
    this.options = options;
  }

  Future<Report> run() {
    int walletCount = options.integer("wallets", 20, 2, 10_000);
    int rate = options.integer("rate", 200, 1, 1_000_000);
    Duration duration = options.duration("duration", "30s");
    Duration warmUp = options.duration("warmup", "5s");
    long initialMinor = options.amountMinor("initial-balance", "1000.00");
    long maxAmount = options.amountMinor("max-amount", "50.00");
    double expireRatio = options.fraction("expire-ratio", 0.2);
    Duration holdExpiry = options.duration("hold-expiry", "5s");
    Duration settleTimeout = options.duration("settle-timeout", "180s");
    int principalCount = options.integer("principals", Math.min(walletCount, 10), 1, 10_000);
    double[] mix = mix(options.text("mix", "25,20,30,15,10"));
    Report report = new Report("mixed", Map.of("wallets", walletCount, "rate", rate, "mix", options.text("mix", "25,20,30,15,10"),
        "durationSeconds", duration.toSeconds(), "expireRatio", expireRatio, "holdExpirySeconds",
        holdExpiry.toSeconds()));
    List<UUID> wallets = new ArrayList<>();
    Map<UUID, Sent> accepted = new HashMap<>();
    Map<UUID, Sent> unknown = new HashMap<>();
    List<Sent> openHolds = new ArrayList<>();
    Random random = new Random(7);
    LoadLoop loop = new LoadLoop("accept", options.duration("progress", "5s"));
    OperationIds ids = new OperationIds();
    long[] latestExpiry = {0};

    Future<Void> created = LoadPrincipals.obtain(api, options, base, principalCount).map(principals -> {
      principals.forEach(principal -> owners.add(api.as(principal)));
      return null;
    }).compose(ignored -> InOrder.run(walletCount, index -> owner(index).post("/api/v1/wallets",
            "{\"initialBalance\":" + Api.amount(initialMinor) + "}")
        .compose(response -> response.statusCode() != 201
            ? Future.failedFuture("creating a wallet answered " + response.statusCode() + ": " + response.bodyAsString())
            : Future.succeededFuture(wallets.add(UUID.fromString(response.bodyAsJsonObject().getString("walletId")))))));
    return created.compose(ignored -> loop.run(vertx, options, rate, warmUp, duration, sequence -> {
          int wallet = random.nextInt(walletCount);
          long amount = 1 + (long) (random.nextDouble() * maxAmount);
          double pick = random.nextDouble();
          Sent sent;
          String extra = "";
          UUID operationId = ids.next();
          if (pick >= mix[3] && !openHolds.isEmpty()) {
            Sent hold = openHolds.remove(random.nextInt(openHolds.size()));
            boolean capture = random.nextBoolean();
            long captured = capture ? 1 + (long) (random.nextDouble() * hold.amountMinor()) : 0;
            sent = new Sent(operationId, hold.wallet(), capture ? Kind.CAPTURE : Kind.VOID, captured, -1,
                hold.operationId());
            extra = ",\"holdId\":\"" + hold.operationId() + "\"";
          } else if (pick < mix[0] || pick >= mix[3]) {
            sent = new Sent(operationId, wallet, Kind.DEPOSIT, amount, -1, null);
          } else if (pick < mix[1]) {
            sent = new Sent(operationId, wallet, Kind.WITHDRAW, amount, -1, null);
          } else if (pick < mix[2]) {
            int to = (wallet + 1 + random.nextInt(walletCount - 1)) % walletCount;
            sent = new Sent(operationId, wallet, Kind.TRANSFER, amount, to, null);
            extra = ",\"toWalletId\":\"" + wallets.get(to) + "\"";
          } else {
            boolean expires = random.nextDouble() < expireRatio;
            sent = new Sent(operationId, wallet, Kind.HOLD, amount, expires ? -2 : -1, null);
            Instant expiresAt = Instant.now().plus(expires ? holdExpiry : Duration.ofHours(1));
            latestExpiry[0] = Math.max(latestExpiry[0], expiresAt.toEpochMilli());
            extra = ",\"expiresAt\":\"" + expiresAt + "\"";
          }
          String body = "{\"walletId\":\"" + wallets.get(sent.wallet()) + "\",\"operationType\":\"" + sent.kind()
              + "\"" + (sent.kind() == Kind.VOID ? "" : ",\"amount\":" + Api.amount(sent.amountMinor())) + extra
              + ",\"operationId\":\"" + operationId + "\"}";
          return owner(sent.wallet()).write("/api/v1/wallet", Buffer.buffer(body), null, 202, false)
              .map(response -> {
                if (response.status() != 202) {
                  return new LoadLoop.Outcome(false, Api.errorCode(response));
                }
                accepted.put(operationId, sent);
                if (sent.kind() == Kind.HOLD && sent.toWallet() == -1) {
                  openHolds.add(sent);
                }
                return LoadLoop.Outcome.OK;
              })
              .onFailure(error -> unknown.put(operationId, sent));
        }))
        .compose(ignored -> {
          report.load(loop, "accept");
          report.metric("unanswered", unknown.size());
          long[] counts = new long[Kind.values().length];
          accepted.values().forEach(sent -> counts[sent.kind().ordinal()]++);
          for (Kind kind : Kind.values()) {
            report.metric("accepted" + kind, counts[kind.ordinal()]);
          }
          long deadline = System.nanoTime() + settleTimeout.toNanos();
          // Holds left to expire are released within 60 s of their expiry: wait for that too.
          long expiriesDone = latestExpiry[0] + 60_000;
          return settle(wallets, accepted, deadline, expiriesDone)
              .compose(histories -> audit(wallets, histories, accepted, unknown, initialMinor, report));
        })
        .map(report);
  }

  /** Cumulative shares: below [0] a DEPOSIT, [1] a WITHDRAW, [2] a TRANSFER, [3] a HOLD, above it a settlement. */
  private static double[] mix(String text) {
    String[] parts = text.split(",");
    if (parts.length != 5) {
      throw new IllegalArgumentException("--mix is five percentages: DEPOSIT, WITHDRAW, TRANSFER, HOLD, settlement");
    }
    double[] cumulative = new double[4];
    double total = 0;
    double[] shares = new double[5];
    for (int i = 0; i < 5; i++) {
      shares[i] = Double.parseDouble(parts[i].trim());
      if (shares[i] < 0) {
        throw new IllegalArgumentException("--mix percentages are >= 0");
      }
      total += shares[i];
    }
    if (total <= 0) {
      throw new IllegalArgumentException("--mix needs a positive share");
    }
    double running = 0;
    for (int i = 0; i < 4; i++) {
      running += shares[i] / total;
      cumulative[i] = running;
    }
    return cumulative;
  }

  private Api owner(int index) {
    return owners.get(index % owners.size());
  }

  /** Every wallet's history once each accepted operation in it is final and no hold is ACTIVE past its expiry. */
  private Future<List<List<JsonObject>>> settle(List<UUID> wallets, Map<UUID, Sent> accepted, long deadline,
                                                long expiriesDoneMillis) {
    List<List<JsonObject>> histories = new ArrayList<>();
    return InOrder.run(wallets.size(), index -> owner(index).all("/api/v1/wallets/" + wallets.get(index) + "/operations")
            .map(histories::add))
        .compose(ignored -> {
          long finals = 0;
          long expected = accepted.size();
          boolean expiredActive = false;
          Instant now = Instant.now();
          for (List<JsonObject> history : histories) {
            for (JsonObject operation : history) {
              if (accepted.containsKey(UUID.fromString(operation.getString("operationId")))
                  && operation.getString("fromWalletId") == null) {
                finals++;
              }
              if ("ACTIVE".equals(operation.getString("holdStatus"))
                  && Instant.parse(operation.getString("expiresAt")).isBefore(now)) {
                expiredActive = true;
              }
            }
          }
          boolean done = finals >= expected && !expiredActive;
          if (done || System.nanoTime() > deadline) {
            return Future.succeededFuture(histories);
          }
          long wait = System.currentTimeMillis() > expiriesDoneMillis ? 500 : 1_000;
          return vertx.timer(wait).compose(more -> settle(wallets, accepted, deadline, expiriesDoneMillis));
        });
  }

  private Future<Void> audit(List<UUID> wallets, List<List<JsonObject>> histories, Map<UUID, Sent> accepted,
                             Map<UUID, Sent> unknown, long initialMinor, Report report) {
    Map<UUID, Integer> seen = new HashMap<>();
    long deposits = 0;
    long withdrawals = 0;
    long captures = 0;
    long transfersCompleted = 0;
    long expired = 0;
    for (int index = 0; index < wallets.size(); index++) {
      UUID walletId = wallets.get(index);
      List<JsonObject> history = histories.get(index);
      long running = initialMinor;
      for (JsonObject operation : history) {
        UUID id = UUID.fromString(operation.getString("operationId"));
        boolean credit = operation.getString("fromWalletId") != null;
        String status = operation.getString("status");
        String type = operation.getString("operationType");
        long amount = Api.minor(operation, "amount");
        if (!credit && !"platform".equals(operation.getString("requestedBy"))) {
          if (seen.merge(id, 1, Integer::sum) > 1) {
            report.discrepancy("operation " + id + " appears more than once");
          }
          Sent mine = accepted.containsKey(id) ? accepted.get(id) : unknown.get(id);
          if (mine == null) {
            report.discrepancy("wallet " + walletId + ": operation " + id + " was never sent by this run");
          } else if (mine.wallet() != index || !mine.kind().name().equals(type)) {
            report.discrepancy("operation " + id + " applied as " + type + " on " + walletId + ", sent as " + mine);
          }
        }
        if (!"COMPLETED".equals(status) && !"FAILED".equals(status)) {
          report.discrepancy("operation " + id + " is " + status + " after the settle");
        }
        if ("COMPLETED".equals(status)) {
          switch (type) {
            case "DEPOSIT" -> {
              running += amount;
              deposits += amount;
            }
            case "WITHDRAW" -> {
              running -= amount;
              withdrawals += amount;
            }
            case "TRANSFER" -> {
              running += credit ? amount : -amount;
              transfersCompleted += credit ? 0 : 1;
            }
            case "CAPTURE" -> {
              running -= amount;
              captures += amount;
            }
            case "VOID" -> expired += "platform".equals(operation.getString("requestedBy")) ? 1 : 0;
            default -> { }
          }
        }
        if (running < 0) {
          report.discrepancy("wallet " + walletId + ": the replay went below zero at " + id);
        }
        Object after = operation.getValue("balanceAfter");
        if (after != null && Api.minor(operation, "balanceAfter") != running) {
          report.discrepancy("wallet " + walletId + ": balanceAfter of " + type + " " + id + " is " + after
              + ", the replay of its history gives " + Api.amount(running));
        }
      }
      long active = history.stream().filter(operation -> "ACTIVE".equals(operation.getString("holdStatus")))
          .mapToLong(operation -> Api.minor(operation, "amount")).sum();
      walletChecks.add(new long[] {index, running, active});
    }
    for (Map.Entry<UUID, Sent> entry : accepted.entrySet()) {
      if (!seen.containsKey(entry.getKey())) {
        report.discrepancy("accepted " + entry.getValue().kind() + " " + entry.getKey() + " was never applied");
      }
    }
    long movedOut = withdrawals + captures - deposits;
    report.metric("completedTransfers", transfersCompleted);
    report.metric("holdsExpired", expired);
    long expectedTotal = initialMinor * wallets.size() - movedOut;
    return InOrder.run(wallets.size(), index -> owner(index).get("/api/v1/wallets/" + wallets.get(index))
            .map(response -> {
              JsonObject wallet = response.bodyAsJsonObject();
              long[] check = walletChecks.get(index);
              long balance = Api.minor(wallet, "balance");
              long held = Api.minor(wallet, "held");
              long available = Api.minor(wallet, "available");
              if (balance != check[1]) {
                report.discrepancy("wallet " + wallets.get(index) + ": balance " + Api.amount(balance)
                    + ", its history replays to " + Api.amount(check[1]));
              }
              if (held != check[2]) {
                report.discrepancy("wallet " + wallets.get(index) + ": held " + Api.amount(held)
                    + ", its ACTIVE holds sum to " + Api.amount(check[2]));
              }
              if (balance < 0 || held < 0 || available < 0 || available != balance - held) {
                report.discrepancy("wallet " + wallets.get(index) + " breaks its invariants: " + wallet.encode());
              }
              totals[0] += balance;
              return null;
            }))
        .onSuccess(ignored -> {
          report.metric("totalBalance", Api.amount(totals[0]));
          if (totals[0] != expectedTotal) {
            report.discrepancy("money is not conserved: the wallets hold " + Api.amount(totals[0]) + ", the initial "
                + "balances plus deposits minus withdrawals and captures give " + Api.amount(expectedTotal));
          }
        });
  }

}
