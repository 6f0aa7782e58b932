package io.walletplatform.platform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.db.PgPools;
import io.walletplatform.common.events.PaymentRequested;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.kafka.KafkaClients;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.ops.HttpFrontVerticle;
import io.walletplatform.common.outbox.Messaging;
import io.walletplatform.common.outbox.OutboxRelayVerticle;
import io.walletplatform.common.faults.Faults;
import io.walletplatform.infra.testing.Await;
import io.walletplatform.infra.testing.IsolatedConfig;
import io.walletplatform.infra.testing.Tokens;
import io.walletplatform.common.auth.Authentication;
import io.walletplatform.orders.OrdersApi;
import io.walletplatform.orders.OrdersProcessing;
import io.walletplatform.orders.OrdersSettings;
import io.walletplatform.payments.PaymentsApi;
import io.walletplatform.payments.PaymentsProcessing;
import io.walletplatform.payments.PaymentsSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.walletplatform.infra.testing.ApiClient.assertProblem;

/**
 * Orders and payments end to end on real PostgreSQL and Kafka: outbox, relay, inbox, both
 * services. The relays sweep only every ten minutes here, so anything that settles in about a
 * second was woken by the commit itself.
 */
@ExtendWith(VertxExtension.class)
class OrderPaymentFlowTest {

  private static final Duration SETTLE = Duration.ofSeconds(30);

  private static Vertx vertx;
  private static Stack stack;

  /** One isolated deployment of payments-api and orders-api with their messaging and an HTTP front. */
  private record Stack(Config config, PaymentsSettings payments, OrdersSettings orders, WebClient client,
                       Pool paymentsDb, Pool ordersDb, Messaging.Deployments ordersMessaging,
                       PrometheusMeterRegistry registry, Authentication authentication, int port) {
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    stack = stack("orderflow", Faults.NONE);
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static Stack stack(String label, Faults ordersFaults) {
    return stack(label, ordersFaults, java.util.Map.of());
  }

  private static Stack stack(String label, Faults ordersFaults, java.util.Map<String, String> extra) {
    Config config = IsolatedConfig.create(label)
        .with("OUTBOX_SWEEP_INTERVAL_MS", Long.toString(Duration.ofMinutes(10).toMillis()))
        .with("INBOX_CONSUMERS", "2")
        .withAll(extra);
    PaymentsSettings payments = PaymentsSettings.from(config);
    OrdersSettings orders = OrdersSettings.from(config);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Await.result(PaymentsProcessing.deploy(vertx, payments, registry, Faults.NONE), Duration.ofSeconds(60));
    Messaging.Deployments ordersMessaging = Await.result(OrdersProcessing.deploy(vertx, orders, registry, ordersFaults),
        Duration.ofSeconds(60));
    Authentication authentication = Tokens.authentication(vertx, config);
    HttpFrontVerticle front = new HttpFrontVerticle(orders.http(), registry, authentication,
        List.of(PaymentsApi.factory(payments), OrdersApi.factory(orders)));
    Await.result(vertx.deployVerticle(front));
    // The admin may act for any user: the flows below name the user in each request.
    WebClient client = Tokens.bearing(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(front.actualPort()), new PoolOptions().setHttp1MaxSize(64)), Tokens.admin(authentication));
    return new Stack(config, payments, orders, client, PgPools.create(vertx, payments.pg(), "payments-test"),
        PgPools.create(vertx, orders.pg(), "orders-test"), ordersMessaging, registry, authentication, front.actualPort());
  }

  private static Future<HttpResponse<Buffer>> post(Stack on, String path, String json) {
    return on.client().post(path).putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(json));
  }

  private static UUID openAccount(Stack on, String initialBalance) {
    UUID userId = UUID.randomUUID();
    HttpResponse<Buffer> created = Await.result(post(on, "/api/v1/accounts",
        "{\"userId\":\"" + userId + "\",\"initialBalance\":" + initialBalance + "}"));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return userId;
  }

  private static String placeOrder(Stack on, UUID userId, String amount) {
    HttpResponse<Buffer> created = Await.result(post(on, "/api/v1/orders",
        "{\"userId\":\"" + userId + "\",\"amount\":" + amount + ",\"description\":\"test order\"}"));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("orderId");
  }

  private static JsonObject order(Stack on, String orderId) {
    return Await.result(on.client().get("/api/v1/orders/" + orderId).send()).bodyAsJsonObject();
  }

  private static JsonObject awaitFinal(Stack on, String orderId) {
    Await.until("order " + orderId + " is final", SETTLE, () -> !"NEW".equals(order(on, orderId).getString("status")));
    return order(on, orderId);
  }

  private static long balanceMinor(Stack on, UUID userId) {
    JsonObject account = Await.result(on.client().get("/api/v1/accounts/" + userId).send()).bodyAsJsonObject();
    return new BigDecimal(account.getValue("balance").toString()).movePointRight(2).longValueExact();
  }

  private static long payments(Stack on, String orderId) {
    return Await.result(on.paymentsDb().preparedQuery("SELECT count(*) FROM account_transactions WHERE order_id = $1")
        .execute(Tuple.of(UUID.fromString(orderId)))).iterator().next().getLong(0);
  }

  @Test
  void aUsersOrderIsPaidFromItsOwnAccountAndRecordsWhoPlacedIt() {
    UUID user = UUID.randomUUID();
    WebClient own = Tokens.client(vertx, stack.port(), Tokens.issue(stack.authentication(), user.toString(), "payments orders funding"));
    UUID bystander = openAccount(stack, "50.00");
    assertEquals(201, Await.result(own.post("/api/v1/accounts").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"initialBalance\":50}"))).statusCode());
    HttpResponse<Buffer> placed = Await.result(own.post("/api/v1/orders").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"amount\":20,\"description\":\"own money\"}")));
    assertEquals(201, placed.statusCode(), placed.bodyAsString());
    String orderId = placed.bodyAsJsonObject().getString("orderId");
    assertEquals("FINISHED", awaitFinal(stack, orderId).getString("status"));
    assertEquals(3_000, balanceMinor(stack, user));
    assertEquals(5_000, balanceMinor(stack, bystander), "nobody else's account moved");
    JsonObject payment = Await.result(own.get("/api/v1/accounts/" + user + "/transactions").send()).bodyAsJsonObject()
        .getJsonArray("items").getJsonObject(0);
    assertEquals(orderId, payment.getString("orderId"));
    assertEquals(user.toString(), payment.getString("requestedBy"), "the principal travelled with the payment request");
  }

  @Test
  void theSeedFlowTopUpThenPayFinishesTheOrderAndDebitsOnce() {
    UUID userId = openAccount(stack, "500.00");
    HttpResponse<Buffer> topUp = Await.result(post(stack, "/api/v1/accounts/" + userId + "/deposits", "{\"amount\":300.00}"));
    assertEquals(200, topUp.statusCode(), topUp.bodyAsString());
    String orderId = placeOrder(stack, userId, "200.00");

    JsonObject settled = awaitFinal(stack, orderId);
    assertEquals("FINISHED", settled.getString("status"));
    assertEquals(60_000, balanceMinor(stack, userId));
    HttpResponse<Buffer> history = Await.result(stack.client().get("/api/v1/accounts/" + userId + "/transactions").send());
    JsonObject payment = history.bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    assertEquals("PAYMENT", payment.getString("type"));
    assertEquals(orderId, payment.getString("orderId"));
    assertTrue(history.bodyAsString().contains("\"balanceAfter\":600.00"), history.bodyAsString());
    assertEquals(1, payments(stack, orderId));
  }

  @Test
  void anOrderAboveTheBalanceFailsAndDebitsNothing() {
    UUID userId = openAccount(stack, "100.00");
    JsonObject settled = awaitFinal(stack, placeOrder(stack, userId, "150.00"));
    assertEquals("FAILED", settled.getString("status"));
    assertEquals("INSUFFICIENT_FUNDS", settled.getString("failureReason"));
    assertEquals(10_000, balanceMinor(stack, userId));
  }

  @Test
  void anOrderOfAUserWithoutAnAccountFails() {
    JsonObject settled = awaitFinal(stack, placeOrder(stack, UUID.randomUUID(), "1.00"));
    assertEquals("FAILED", settled.getString("status"));
    assertEquals("ACCOUNT_NOT_FOUND", settled.getString("failureReason"));
  }

  @Test
  void anOrderSettlesInAboutASecondWithoutWaitingForTheSweep() {
    UUID userId = openAccount(stack, "10.00");
    awaitFinal(stack, placeOrder(stack, userId, "1.00"));
    long[] elapsedMs = new long[5];
    for (int i = 0; i < elapsedMs.length; i++) {
      long start = System.nanoTime();
      awaitFinal(stack, placeOrder(stack, userId, "1.00"));
      elapsedMs[i] = (System.nanoTime() - start) / 1_000_000;
    }
    java.util.Arrays.sort(elapsedMs);
    assertTrue(elapsedMs[elapsedMs.length / 2] < 1_500, "median settle time " + elapsedMs[elapsedMs.length / 2] + " ms");
    assertTrue(elapsedMs[elapsedMs.length - 1] < 5_000, "slowest settle time " + elapsedMs[elapsedMs.length - 1] + " ms");
  }

  private static HttpResponse<Buffer> refund(Stack on, WebClient client, String orderId, String idempotencyKey) {
    var request = client.post("/api/v1/orders/" + orderId + "/refund");
    if (idempotencyKey != null) {
      request.putHeader("Idempotency-Key", idempotencyKey);
    }
    return Await.result(request.send());
  }

  private static long transactions(Stack on, String orderId, String type) {
    return Await.result(on.paymentsDb().preparedQuery(
            "SELECT count(*) FROM account_transactions WHERE order_id = $1 AND type = $2")
        .execute(Tuple.of(UUID.fromString(orderId), type))).iterator().next().getLong(0);
  }

  @Test
  void aFinishedOrderIsRefundedInFullOnceAndMovesToRefunded() {
    String user = UUID.randomUUID().toString();
    WebClient owner = Tokens.bearing(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(stack.port())), Tokens.issue(stack.authentication(), user, "payments orders funding"));
    UUID userId = UUID.fromString(user);
    assertEquals(201, Await.result(owner.post("/api/v1/accounts").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"initialBalance\":100.00}"))).statusCode());
    String orderId = placeOrder(stack, userId, "30.50");
    assertEquals("FINISHED", awaitFinal(stack, orderId).getString("status"));
    assertEquals(69_50, balanceMinor(stack, userId));

    HttpResponse<Buffer> asked = refund(stack, owner, orderId, "refund-key-1");
    assertEquals(202, asked.statusCode(), asked.bodyAsString());
    assertEquals("FINISHED", asked.bodyAsJsonObject().getString("status"));
    String requestedAt = asked.bodyAsJsonObject().getString("refundRequestedAt");
    assertTrue(requestedAt != null, asked.bodyAsString());
    HttpResponse<Buffer> repeated = refund(stack, owner, orderId, null);
    assertEquals(202, repeated.statusCode(), repeated.bodyAsString());
    assertEquals(requestedAt, repeated.bodyAsJsonObject().getString("refundRequestedAt"), "a repeat answers the same");

    Await.until("the order is refunded", SETTLE, () -> "REFUNDED".equals(order(stack, orderId).getString("status")));
    assertEquals(100_00, balanceMinor(stack, userId));
    assertEquals(1, transactions(stack, orderId, "PAYMENT"));
    assertEquals(1, transactions(stack, orderId, "REFUND"));
    JsonObject credit = Await.result(owner.get("/api/v1/accounts/" + userId + "/transactions").send())
        .bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    assertEquals("REFUND", credit.getString("type"));
    assertEquals(orderId, credit.getString("orderId"));
    assertEquals(user, credit.getString("requestedBy"));

    // Once REFUNDED: never again; the key's first answer is replayed as it was.
    assertProblem(refund(stack, owner, orderId, null), 409, "ORDER_NOT_REFUNDABLE", null);
    assertEquals(202, refund(stack, owner, orderId, "refund-key-1").statusCode());
    // Another user's order does not exist for this one; an order that did not finish is not refundable.
    WebClient stranger = Tokens.bearing(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(stack.port())), Tokens.user(stack.authentication()));
    assertProblem(refund(stack, stranger, orderId, null), 404, "ORDER_NOT_FOUND", null);
    assertProblem(refund(stack, owner, UUID.randomUUID().toString(), null), 404, "ORDER_NOT_FOUND", null);
    assertProblem(refund(stack, owner, "not-a-uuid", null), 400, "VALIDATION_FAILED", null);
    String failed = placeOrder(stack, userId, "1000.00");
    assertEquals("FAILED", awaitFinal(stack, failed).getString("status"));
    assertProblem(refund(stack, owner, failed, null), 409, "ORDER_NOT_REFUNDABLE", null);
    assertEquals(100_00, balanceMinor(stack, userId));
  }

  @Test
  void aRefundRequestDeliveredTwiceAndSentAgainCreditsOnce() {
    UUID userId = openAccount(stack, "50.00");
    String orderId = placeOrder(stack, userId, "10.00");
    assertEquals("FINISHED", awaitFinal(stack, orderId).getString("status"));
    assertEquals(202, refund(stack, stack.client(), orderId, null).statusCode());
    KafkaProducer<String, String> producer = KafkaProducer.create(vertx,
        KafkaClients.producerConfig(stack.payments().kafka(), "refund-duplicate-test"));
    List<UUID> eventIds = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      PaymentRequested again = new PaymentRequested(UUID.randomUUID(), UUID.fromString(orderId), userId,
          Money.ofMinor(1_000), Timestamps.now(), userId.toString(), true);
      eventIds.add(again.eventId());
      for (int copy = 0; copy < 2; copy++) {
        Await.result(producer.send(KafkaProducerRecord.create(stack.payments().requestsTopic(), userId.toString(),
                again.encode())
            .addHeader(KafkaClients.EVENT_ID_HEADER, again.eventId().toString())
            .addHeader(KafkaClients.EVENT_TYPE_HEADER, again.eventType())));
      }
    }
    Await.until("every refund request processed", SETTLE, () -> Await.result(stack.paymentsDb()
        .preparedQuery("SELECT count(*) FROM inbox WHERE event_id = ANY($1)")
        .execute(Tuple.of((Object) eventIds.toArray(UUID[]::new)))).iterator().next().getLong(0) == 3);
    Await.until("the order is refunded", SETTLE, () -> "REFUNDED".equals(order(stack, orderId).getString("status")));
    assertEquals(1, transactions(stack, orderId, "REFUND"));
    assertEquals(50_00, balanceMinor(stack, userId));
    Await.result(producer.close());
  }

  @Test
  void aPaymentRequestDeliveredTwiceDebitsOnce() {
    UUID userId = openAccount(stack, "50.00");
    UUID orderId = UUID.randomUUID();
    PaymentRequested request = new PaymentRequested(UUID.randomUUID(), orderId, userId, Money.ofMinor(1_000), Timestamps.now(),
        userId.toString());
    KafkaProducer<String, String> producer = KafkaProducer.create(vertx,
        KafkaClients.producerConfig(stack.payments().kafka(), "duplicate-test"));
    for (int i = 0; i < 2; i++) {
      Await.result(producer.send(KafkaProducerRecord.create(stack.payments().requestsTopic(), userId.toString(), request.encode())
          .addHeader(KafkaClients.EVENT_ID_HEADER, request.eventId().toString())
          .addHeader(KafkaClients.EVENT_TYPE_HEADER, PaymentRequested.EVENT_TYPE)));
    }
    // A second request for the same order under another event id must not debit again either.
    PaymentRequested again = new PaymentRequested(UUID.randomUUID(), orderId, userId, Money.ofMinor(1_000), Timestamps.now(),
        userId.toString());
    Await.result(producer.send(KafkaProducerRecord.create(stack.payments().requestsTopic(), userId.toString(), again.encode())
        .addHeader(KafkaClients.EVENT_ID_HEADER, again.eventId().toString())));
    Await.until("both requests processed", SETTLE, () -> Await.result(stack.paymentsDb()
        .preparedQuery("SELECT count(*) FROM inbox WHERE event_id = ANY($1)")
        .execute(Tuple.of((Object) new UUID[] {request.eventId(), again.eventId()}))).iterator().next().getLong(0) == 2);
    assertEquals(1, payments(stack, orderId.toString()));
    assertEquals(4_000, balanceMinor(stack, userId));
    Await.result(producer.close());
  }

  @Test
  void aRelayStoppedAfterTheAcknowledgementButBeforeMarkingPublishesAgainAndTheInboxAbsorbsIt() {
    Faults crashAfterAck = new Faults() {
      @Override
      public Future<Void> beforeMarkingPublished(List<Long> outboxIds) {
        return Future.failedFuture(new IllegalStateException("crash before marking published"));
      }
    };
    Stack crashing = stack("relaycrash", crashAfterAck);
    UUID userId = openAccount(crashing, "100.00");
    String orderId = placeOrder(crashing, userId, "30.00");
    assertEquals("FINISHED", awaitFinal(crashing, orderId).getString("status"));

    // "Restart": the crashed relay goes, a healthy one republishes the unmarked row.
    Await.result(vertx.undeploy(crashing.ordersMessaging().relay()));
    Await.result(vertx.deployVerticle(new OutboxRelayVerticle(crashing.orders().relay(), crashing.registry(), Faults.NONE)));
    Await.until("the row is marked published", SETTLE, () -> Await.result(crashing.ordersDb()
        .query("SELECT count(*) FROM outbox WHERE published_at IS NULL").execute()).iterator().next().getLong(0) == 0);
    Await.until("the duplicate reached the payments inbox", SETTLE, () -> {
      Counter duplicates = crashing.registry().find("inbox_records_duplicates").tag("consumer", "payments-requests").counter();
      return duplicates != null && duplicates.count() >= 1;
    });
    assertEquals(1, payments(crashing, orderId));
    assertEquals(7_000, balanceMinor(crashing, userId));
    assertEquals("FINISHED", order(crashing, orderId).getString("status"));
  }

  @Test
  void anOrderCreatedWhileKafkaIsDownIsKeptAndSettlesWhenKafkaIsBack() {
    Stack down = stack("kafkadown", Faults.NONE);
    Await.result(vertx.undeploy(down.ordersMessaging().relay()));
    var unreachable = new io.walletplatform.common.outbox.OutboxRelaySettings(down.orders().relay().pg(),
        new io.walletplatform.common.config.KafkaSettings("127.0.0.1:1", 1, (short) 1, Duration.ofMillis(1_500),
            Duration.ofMinutes(5)),
        "orders", Duration.ofMillis(200), 100, Duration.ofMinutes(10), Duration.ofMinutes(1));
    String brokenRelay = Await.result(vertx.deployVerticle(new OutboxRelayVerticle(unreachable, down.registry(), Faults.NONE)));

    UUID userId = openAccount(down, "20.00");
    String orderId = placeOrder(down, userId, "5.00");
    Await.until("the relay failed to publish twice", SETTLE, () -> {
      Counter failures = down.registry().find("outbox_relay_failures").tag("outbox", "orders").counter();
      return failures != null && failures.count() >= 2;
    });
    assertEquals("NEW", order(down, orderId).getString("status"));
    assertEquals(1, Await.result(down.ordersDb().query("SELECT count(*) FROM outbox WHERE published_at IS NULL").execute())
        .iterator().next().getLong(0));

    Await.result(vertx.undeploy(brokenRelay));
    Await.result(vertx.deployVerticle(new OutboxRelayVerticle(down.orders().relay(), down.registry(), Faults.NONE)));
    assertEquals("FINISHED", awaitFinal(down, orderId).getString("status"));
    assertEquals(1_500, balanceMinor(down, userId));
  }

  @Test
  void publishedOutboxRowsAreDeletedAfterTheirRetention() {
    Stack tidy = stack("tidy", Faults.NONE);
    Await.result(vertx.undeploy(tidy.ordersMessaging().relay()));
    var settings = tidy.orders().relay();
    var shortRetention = new io.walletplatform.common.outbox.OutboxRelaySettings(settings.pg(), settings.kafka(),
        settings.name(), Duration.ofMillis(100), settings.batchSize(), Duration.ZERO,
        Duration.ofMillis(100));
    Await.result(vertx.deployVerticle(new OutboxRelayVerticle(shortRetention, tidy.registry(), Faults.NONE)));
    UUID userId = openAccount(tidy, "10.00");
    for (int i = 0; i < 5; i++) {
      assertEquals("FINISHED", awaitFinal(tidy, placeOrder(tidy, userId, "1.00")).getString("status"));
    }
    Await.until("the orders outbox is empty again", SETTLE, () -> Await.result(tidy.ordersDb()
        .query("SELECT count(*) FROM outbox").execute()).iterator().next().getLong(0) == 0);
  }

  @Test
  void twoRelaysOnOneDatabasePublishEachRowOnceAndInOrder() {
    Stack shared = stack("tworelays", Faults.NONE);
    Await.result(vertx.deployVerticle(new OutboxRelayVerticle(shared.orders().relay(), shared.registry(), Faults.NONE)));
    UUID userId = openAccount(shared, "1000.00");
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      created.add(placeOrder(shared, userId, "1.00"));
    }
    List<String> published = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.vertx.kafka.client.consumer.KafkaConsumer<String, String> reader = io.vertx.kafka.client.consumer.KafkaConsumer.create(vertx,
        java.util.Map.of("bootstrap.servers", shared.orders().kafka().bootstrapServers(), "group.id", "reader-" + UUID.randomUUID(),
            "auto.offset.reset", "earliest",
            "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
            "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"));
    reader.handler(record -> published.add(new JsonObject(record.value()).getString("orderId")));
    Await.result(reader.subscribe(shared.orders().requestsTopic()));
    Await.until("every order published", SETTLE, () -> published.containsAll(created));
    for (String orderId : created) {
      awaitFinal(shared, orderId);
    }
    Await.result(reader.close());
    assertEquals(created, published, "each row once, in the order the orders were created (one key, one partition)");
  }

  @Test
  void twoHundredConcurrentOrdersAndTwentyDepositsNeverOverdrawAndAllSettle() {
    UUID userId = openAccount(stack, "1000.00");
    List<Future<HttpResponse<Buffer>>> requests = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      requests.add(post(stack, "/api/v1/orders", "{\"userId\":\"" + userId + "\",\"amount\":10.00,\"description\":\"o" + i + "\"}"));
      if (i % 10 == 0) {
        requests.add(post(stack, "/api/v1/accounts/" + userId + "/deposits", "{\"amount\":5.00}"));
      }
    }
    Await.result(Future.join(requests), Duration.ofSeconds(60));
    List<String> orderIds = new ArrayList<>();
    for (Future<HttpResponse<Buffer>> request : requests) {
      HttpResponse<Buffer> response = request.result();
      assertTrue(response.statusCode() == 201 || response.statusCode() == 200, response.bodyAsString());
      if (response.statusCode() == 201) {
        orderIds.add(response.bodyAsJsonObject().getString("orderId"));
      }
    }
    assertEquals(200, orderIds.size());

    Await.until("no order is NEW", Duration.ofSeconds(60), () -> Await.result(stack.ordersDb()
        .preparedQuery("SELECT count(*) FROM orders WHERE user_id = $1 AND status = 'NEW'").execute(Tuple.of(userId)))
        .iterator().next().getLong(0) == 0);
    long finished = Await.result(stack.ordersDb()
        .preparedQuery("SELECT count(*) FROM orders WHERE user_id = $1 AND status = 'FINISHED'").execute(Tuple.of(userId)))
        .iterator().next().getLong(0);
    long paid = Await.result(stack.paymentsDb()
        .preparedQuery("SELECT count(*) FROM account_transactions WHERE user_id = $1 AND type = 'PAYMENT'").execute(Tuple.of(userId)))
        .iterator().next().getLong(0);
    long negative = Await.result(stack.paymentsDb()
        .preparedQuery("SELECT count(*) FROM account_transactions WHERE user_id = $1 AND balance_after_minor < 0").execute(Tuple.of(userId)))
        .iterator().next().getLong(0);
    long balance = balanceMinor(stack, userId);

    assertEquals(finished, paid, "every FINISHED order was debited exactly once, no FAILED one was");
    assertEquals(0, negative);
    assertEquals(100_000 + 20 * 500 - finished * 1_000, balance, "balance = initial + deposits - finished orders");
    // 1000.00 pays 100 orders whatever the timing; the 100.00 deposited pays at most 10 more.
    assertTrue(finished >= 100 && finished <= 110, "finished " + finished);
  }

  /** A NEW order written as if its payment request had been lost (dead-lettered, or its outbox row never published). */
  private static UUID strandOrder(Stack on, UUID userId, long amountMinor, Duration age) {
    UUID orderId = UUID.randomUUID();
    Await.result(on.ordersDb().preparedQuery("""
        INSERT INTO orders (order_id, user_id, amount_minor, description, status, created_at, updated_at,
                            payment_requested_at)
        VALUES ($1, $2, $3, 'stranded', 'NEW', now() - $4 * interval '1 millisecond',
                now() - $4 * interval '1 millisecond', now() - $4 * interval '1 millisecond')""")
        .execute(io.vertx.sqlclient.Tuple.of(orderId, userId, amountMinor, age.toMillis())));
    return orderId;
  }

  private static long payments(Stack on, UUID orderId) {
    return Await.result(on.paymentsDb().preparedQuery("SELECT count(*) FROM account_transactions WHERE order_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(orderId))).iterator().next().getLong(0);
  }

  @Test
  void noOrderStaysNewForEverAndATimedOutOrderFailsOnlyOnceNothingCanDebitIt() {
    Stack reconciling = stack("reconcile", Faults.NONE, java.util.Map.of(
        "ORDERS_RECONCILE_INTERVAL_MS", "200",
        "ORDERS_PAYMENT_RESEND_AFTER_MS", "1000",
        "ORDERS_PAYMENT_TIMEOUT_MS", "60000"));
    UUID userId = openAccount(reconciling, "10.00");

    // Its request was lost: the reconciler asks again, payments debits once, the order settles.
    UUID lost = strandOrder(reconciling, userId, 300, Duration.ofSeconds(5));
    JsonObject settled = awaitFinal(reconciling, lost.toString());
    assertEquals("FINISHED", settled.getString("status"));
    assertEquals(700, balanceMinor(reconciling, userId));
    assertEquals(1, payments(reconciling, lost));

    // Past the payment timeout: payments records that it will never debit it, and the order fails.
    UUID expired = strandOrder(reconciling, userId, 200, Duration.ofMinutes(10));
    JsonObject timedOut = awaitFinal(reconciling, expired.toString());
    assertEquals("FAILED", timedOut.getString("status"));
    assertEquals("PAYMENT_TIMEOUT", timedOut.getString("failureReason"));
    assertEquals(700, balanceMinor(reconciling, userId));

    // The original request arriving late (a slow relay, a replayed dead letter) debits nothing.
    io.walletplatform.common.events.PaymentRequested late = new io.walletplatform.common.events.PaymentRequested(
        UUID.randomUUID(), expired, userId, io.walletplatform.common.money.Money.ofMinor(200),
        java.time.Instant.now().minus(Duration.ofMinutes(10)), null);
    var producer = io.vertx.kafka.client.producer.KafkaProducer.<String, String>create(vertx,
        io.walletplatform.common.kafka.KafkaClients.producerConfig(reconciling.orders().kafka(), "late-request"));
    Await.result(producer.send(io.vertx.kafka.client.producer.KafkaProducerRecord
        .create(reconciling.orders().requestsTopic(), userId.toString(), late.encode())
        .addHeader(io.walletplatform.common.kafka.KafkaClients.EVENT_ID_HEADER, late.eventId().toString())
        .addHeader(io.walletplatform.common.kafka.KafkaClients.EVENT_TYPE_HEADER,
            io.walletplatform.common.events.PaymentRequested.EVENT_TYPE)));
    UUID marker = strandOrder(reconciling, userId, 100, Duration.ofSeconds(5));
    assertEquals("FINISHED", awaitFinal(reconciling, marker.toString()).getString("status"),
        "a later order of the same user (same partition) went through, so the late request was processed");
    assertEquals(0, payments(reconciling, expired), "the late request for the timed-out order debited nothing");
    assertEquals(600, balanceMinor(reconciling, userId));
    assertEquals("FAILED", order(reconciling, expired.toString()).getString("status"));
    Await.result(producer.close());
  }

  @Test
  void aRepeatedRequestIsAnsweredWithTheRecordedDecisionEvenIfTheBalanceChangedSince() {
    Stack reconciling = stack("redecide", Faults.NONE, java.util.Map.of(
        "ORDERS_RECONCILE_INTERVAL_MS", "200",
        "ORDERS_PAYMENT_RESEND_AFTER_MS", "1000"));
    UUID userId = openAccount(reconciling, "1.00");
    String orderId = placeOrder(reconciling, userId, "5.00");
    assertEquals("INSUFFICIENT_FUNDS", awaitFinal(reconciling, orderId).getString("failureReason"));
    assertEquals(200, Await.result(post(reconciling, "/api/v1/accounts/" + userId + "/deposits", "{\"amount\":100}"))
        .statusCode());
    // Make the reconciler think the FAILED order is still NEW, as a lost result would leave it.
    Await.result(reconciling.ordersDb().preparedQuery("""
        UPDATE orders SET status = 'NEW', failure_reason = NULL, payment_requested_at = now() - interval '1 minute'
         WHERE order_id = $1""").execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(orderId))));
    JsonObject again = awaitFinal(reconciling, orderId);
    assertEquals("FAILED", again.getString("status"), "the recorded decision, not a new debit");
    assertEquals("INSUFFICIENT_FUNDS", again.getString("failureReason"));
    assertEquals(10_100, balanceMinor(reconciling, userId));
    assertEquals(0, payments(reconciling, UUID.fromString(orderId)));
  }
}
