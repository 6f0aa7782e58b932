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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Orders at a constant rate across users while deposits run, then refunds of a share of the
 * FINISHED orders, then an audit: every order final, each FINISHED or REFUNDED order debited exactly
 * once and no FAILED one, each REFUNDED order credited back exactly once and no other, every refund
 * asked for ends REFUNDED, balances that add up and never go below zero.
 */
final class OrdersScenario {

  static final String HELP = """
      orders: constant-rate orders while deposits run, then an audit.
        --users N               accounts to open, one per principal (20)
        --rate N                orders per second in total (200)
        --deposit-rate N        deposits per second in total (5)
        --duration 60s          measured duration
        --warmup 5s             unmeasured warm-up at the same rates
        --amount 1.00           amount of each order
        --deposit-amount 5.00   amount of each deposit
        --initial-balance 100   balance of each new account
        --refund-ratio 0.1      share of the FINISHED orders refunded once every order is final
        --settle-timeout 120s   how long to wait for every order, and every refund, to be final""";

  private final Vertx vertx;
  private final Api api;
  private final java.net.URI base;
  private final Options options;
  private double refundRatio;
  private final Random refundPicks = new Random(11);

  OrdersScenario(Vertx vertx, Api api, java.net.URI base, Options options) {
    this.vertx = vertx;
    this.api = api;
    this.base = base;
    this.options = options;
  }

  Future<Report> run() {
    int userCount = options.integer("users", 20, 1, 100_000);
    int rate = options.integer("rate", 200, 1, 1_000_000);
    int depositRate = options.integer("deposit-rate", 5, 0, 1_000_000);
    Duration duration = options.duration("duration", "60s");
    Duration warmUp = options.duration("warmup", "5s");
    long amount = options.amountMinor("amount", "1.00");
    long depositAmount = options.amountMinor("deposit-amount", "5.00");
    long initialMinor = options.amountMinor("initial-balance", "100.00");
    Duration settleTimeout = options.duration("settle-timeout", "120s");
    refundRatio = options.fraction("refund-ratio", 0.1);

    Report report = new Report("orders", Map.of("users", userCount, "ordersPerSecond", rate, "depositsPerSecond", depositRate,
        "durationSeconds", duration.toSeconds(), "warmUpSeconds", warmUp.toSeconds(), "amount", Api.amount(amount)));
    List<User> users = new ArrayList<>();
    Set<UUID> measuredOrders = new HashSet<>();
    Random random = new Random(7);
    Duration progress = options.duration("progress", "5s");
    LoadLoop orders = new LoadLoop("orders", progress);
    LoadLoop deposits = new LoadLoop("deposits", progress);

    // Each user is a principal: its token's sub is its userId, and it pays only from its own account.
    Future<Void> opened = LoadPrincipals.obtain(api, options, base, userCount).compose(principals ->
        InOrder.run(principals.size(), index -> {
          Api as = api.as(principals.get(index));
          UUID userId = principals.get(index).userId();
          return as.post("/api/v1/accounts", "{\"initialBalance\":" + Api.amount(initialMinor) + "}")
              .compose(response -> response.statusCode() == 201
                  ? Future.succeededFuture(users.add(new User(userId, as, initialMinor)))
                  : Future.failedFuture("opening an account answered " + response.statusCode() + ": " + response.bodyAsString()));
        }));
    return opened.compose(ignored -> {
          int openedUsers = users.size();
          Future<Void> orderLoad = orders.run(vertx, options, rate, warmUp, duration, sequence -> {
            User user = users.get((int) (sequence % openedUsers));
            Api api = user.api;
            String orderKey = UUID.randomUUID().toString();
            Buffer orderBody = Buffer.buffer("{\"userId\":\"" + user.id + "\",\"amount\":" + Api.amount(amount)
                + ",\"description\":\"load " + sequence + "\"}");
            return api.write("/api/v1/orders", orderBody, orderKey, 201, true)
                .map(response -> {
                  if (response.status() != 201) {
                    return new LoadLoop.Outcome(false, Api.errorCode(response));
                  }
                  UUID orderId = UUID.fromString(response.json().getString("orderId"));
                  user.orders.add(orderId.toString());
                  if (orders.measured(sequence)) {
                    measuredOrders.add(orderId);
                  }
                  return LoadLoop.Outcome.OK;
                })
                .onFailure(error -> user.unansweredOrders++);
          });
          Future<Void> depositLoad = depositRate == 0 ? Future.succeededFuture()
              : deposits.runOpen(vertx, depositRate, warmUp, duration, sequence -> {
                User user = users.get(random.nextInt(openedUsers));
                Api api = user.api;
                String depositKey = UUID.randomUUID().toString();
                return api.write("/api/v1/accounts/" + user.id + "/deposits",
                        Buffer.buffer("{\"amount\":" + Api.amount(depositAmount) + "}"), depositKey, 200, false)
                    .map(response -> {
                      if (response.status() != 200) {
                        return new LoadLoop.Outcome(false, Api.errorCode(response));
                      }
                      user.credited += depositAmount;
                      return LoadLoop.Outcome.OK;
                    })
                    .onFailure(error -> user.unansweredDeposits++);
              });
          return Future.all(orderLoad, depositLoad);
        })
        .compose(ignored -> {
          report.load(orders, "create");
          report.metric("depositsAccepted", deposits.accepted);
          report.metric("unanswered", users.stream().mapToLong(u -> u.unansweredOrders + u.unansweredDeposits).sum());
          return settleAndAudit(users, depositAmount, measuredOrders, settleTimeout, orders, report);
        })
        .map(report);
  }

  /**
   * What the run knows about one user: the orders it was told were created, the balance it was told
   * was credited (initial plus acknowledged deposits), and how many order and deposit requests went
   * unanswered (the server may have carried them out after the client gave up, so they may appear
   * but need not). Touched only on the generator's context.
   */
  private static final class User {
    final UUID id;
    final Api api;
    final Set<String> orders = new HashSet<>();
    final Set<String> refunds = new HashSet<>();
    long credited;
    int unansweredOrders;
    int unansweredDeposits;

    User(UUID id, Api api, long initialBalance) {
      this.id = id;
      this.api = api;
      this.credited = initialBalance;
    }
  }

  private Future<Void> settleAndAudit(List<User> users, long depositAmount, Set<UUID> measuredOrders,
                                      Duration timeout, LoadLoop loop, Report report) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Histogram settleMillis = new Histogram(TimeUnit.MINUTES.toMillis(10), 3);
    long[] finished = {0};
    long[] settledInWindow = {0};
    Future<Void> audited = InOrder.run(users.size(), index -> {
      User user = users.get(index);
      UUID userId = user.id;
      Api api = user.api;
      return settled(api, userId, user.orders.size(), deadline)
          .compose(orders -> refund(user, orders))
          .compose(asked -> refunded(api, user, deadline))
          .compose(orders -> api.all("/api/v1/accounts/" + userId + "/transactions")
              .compose(transactions -> api.get("/api/v1/accounts/" + userId).map(account -> {
                settledInWindow[0] += orders.stream().filter(order -> !"NEW".equals(order.getString("status"))
                    && loop.inWindow(Instant.parse(order.getString("updatedAt")))).count();
                finished[0] += audit(userId, orders, transactions, account.bodyAsJsonObject(), user,
                    depositAmount, measuredOrders, settleMillis, report);
                return null;
              })));
    });
    return audited.onComplete(ignored -> {
      report.histogramMillis("createToFinal", settleMillis);
      report.metric("ordersFinished", finished[0]);
      report.metric("refundsRequested", users.stream().mapToLong(user -> user.refunds.size()).sum());
      report.metric("settledPerSecond", settledInWindow[0] / loop.windowSeconds());
    });
  }

  /** Asks for the refund of a share of the user's FINISHED orders; those answered 202 must end REFUNDED. */
  private Future<Void> refund(User user, List<JsonObject> orders) {
    List<String> chosen = orders.stream().filter(order -> "FINISHED".equals(order.getString("status")))
        .map(order -> order.getString("orderId")).filter(id -> refundPicks.nextDouble() < refundRatio).toList();
    return InOrder.run(chosen.size(), index -> user.api.write("/api/v1/orders/" + chosen.get(index) + "/refund",
            Buffer.buffer(), UUID.randomUUID().toString(), 202, false)
        .compose(response -> {
          if (response.status() != 202) {
            return Future.failedFuture("refund of order " + chosen.get(index) + " answered " + response.status());
          }
          user.refunds.add(chosen.get(index));
          return Future.succeededFuture();
        }));
  }

  /** Polls until every refund asked for reads REFUNDED, or the deadline passes; the orders as last listed. */
  private Future<List<JsonObject>> refunded(Api api, User user, long deadline) {
    return api.all("/api/v1/orders").compose(orders -> {
      long done = orders.stream().filter(order -> "REFUNDED".equals(order.getString("status"))).count();
      if (done >= user.refunds.size() || System.nanoTime() > deadline) {
        return Future.succeededFuture(orders);
      }
      return vertx.timer(500).compose(ignored -> refunded(api, user, deadline));
    });
  }

  private Future<List<JsonObject>> settled(Api api, UUID userId, int expected, long deadline) {
    return api.all("/api/v1/orders").compose(orders -> {
      boolean allFinal = orders.size() >= expected && orders.stream().noneMatch(o -> "NEW".equals(o.getString("status")));
      if (allFinal || System.nanoTime() > deadline) {
        return Future.succeededFuture(orders);
      }
      return vertx.timer(500).compose(ignored -> settled(api, userId, expected, deadline));
    });
  }

  /** Returns how many of the user's orders FINISHED. */
  private static long audit(UUID userId, List<JsonObject> orders, List<JsonObject> transactions, JsonObject account,
                            User expected, long depositAmount, Set<UUID> measuredOrders, Histogram settleMillis,
                            Report report) {
    Map<String, Long> payments = new HashMap<>();
    Map<String, Long> refunds = new HashMap<>();
    long debited = 0;
    long refundedSum = 0;
    long depositsSeen = 0;
    for (JsonObject transaction : transactions) {
      if (Api.minor(transaction, "balanceAfter") < 0) {
        report.discrepancy("user " + userId + ": negative balance after " + transaction.getString("transactionId"));
      }
      if ("PAYMENT".equals(transaction.getString("type"))) {
        debited += Api.minor(transaction, "amount");
        payments.merge(transaction.getString("orderId"), 1L, Long::sum);
      } else if ("REFUND".equals(transaction.getString("type"))) {
        refundedSum += Api.minor(transaction, "amount");
        refunds.merge(transaction.getString("orderId"), 1L, Long::sum);
      } else {
        depositsSeen += Api.minor(transaction, "amount");
      }
    }
    long finishedSum = 0;
    long refundedOrdersSum = 0;
    long finished = 0;
    for (JsonObject order : orders) {
      String orderId = order.getString("orderId");
      String status = order.getString("status");
      long paid = payments.getOrDefault(orderId, 0L);
      long credited = refunds.getOrDefault(orderId, 0L);
      if (credited != ("REFUNDED".equals(status) ? 1 : 0)) {
        report.discrepancy("order " + orderId + " is " + status + " with " + credited + " refunds");
      }
      if (expected.refunds.contains(orderId) && !"REFUNDED".equals(status)) {
        report.discrepancy("order " + orderId + ": its refund was accepted (202) but it is " + status);
      }
      switch (status) {
        case "FINISHED", "REFUNDED" -> {
          finished++;
          finishedSum += Api.minor(order, "amount");
          refundedOrdersSum += "REFUNDED".equals(status) ? Api.minor(order, "amount") : 0;
          if (paid != 1) {
            report.discrepancy("order " + orderId + " " + status + " with " + paid + " payments");
          }
        }
        case "FAILED" -> {
          if (paid != 0) {
            report.discrepancy("order " + orderId + " FAILED but was debited " + paid + " times");
          }
        }
        default -> report.discrepancy("order " + orderId + " is still " + status);
      }
      if (!"NEW".equals(status) && measuredOrders.contains(UUID.fromString(orderId))) {
        long millis = Instant.parse(order.getString("updatedAt")).toEpochMilli()
            - Instant.parse(order.getString("createdAt")).toEpochMilli();
        settleMillis.recordValue(Math.max(0, Math.min(millis, settleMillis.getHighestTrackableValue())));
      }
    }
    Set<String> listed = new HashSet<>();
    orders.forEach(order -> listed.add(order.getString("orderId")));
    for (String orderId : expected.orders) {
      if (!listed.contains(orderId)) {
        report.discrepancy("user " + userId + ": order " + orderId + " was created (201) but is not listed");
      }
    }
    int unexpected = listed.size() - expected.orders.size();
    if (listed.size() != orders.size() || unexpected < 0 || unexpected > expected.unansweredOrders) {
      report.discrepancy("user " + userId + ": " + expected.orders.size() + " orders created and "
          + expected.unansweredOrders + " unanswered, but " + orders.size() + " listed");
    }
    if (debited != finishedSum) {
      report.discrepancy("user " + userId + ": debits " + Api.amount(debited) + " differ from FINISHED and REFUNDED"
          + " orders " + Api.amount(finishedSum));
    }
    if (refundedSum != refundedOrdersSum) {
      report.discrepancy("user " + userId + ": refund credits " + Api.amount(refundedSum) + " differ from REFUNDED"
          + " orders " + Api.amount(refundedOrdersSum));
    }
    long unacknowledged = depositsSeen - expected.credited;
    if (unacknowledged < 0 || unacknowledged % depositAmount != 0
        || unacknowledged / depositAmount > expected.unansweredDeposits) {
      report.discrepancy("user " + userId + ": deposits " + Api.amount(depositsSeen) + " differ from those acknowledged "
          + Api.amount(expected.credited) + " (" + expected.unansweredDeposits + " unanswered)");
    }
    long balance = Api.minor(account, "balance");
    if (balance != depositsSeen - debited + refundedSum) {
      report.discrepancy("user " + userId + ": balance " + Api.amount(balance) + " is not deposits minus debits plus"
          + " refunds " + Api.amount(depositsSeen - debited + refundedSum));
    }
    return finished;
  }
}
