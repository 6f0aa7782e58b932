package io.walletplatform.acceptance;

import io.walletplatform.client.orders.api.OrdersApi;
import io.walletplatform.client.orders.model.CreateOrderRequest;
import io.walletplatform.client.orders.model.Order;
import io.walletplatform.client.payments.api.AccountsApi;
import io.walletplatform.client.payments.model.CreateAccountRequest;
import io.walletplatform.client.wallet.api.WalletsApi;
import io.walletplatform.client.wallet.model.CreateWalletRequest;
import io.walletplatform.client.wallet.model.Operation;
import io.walletplatform.client.wallet.model.SubmitOperationRequest;
import io.walletplatform.client.wallet.model.Wallet;
import io.walletplatform.infra.testing.Await;

import java.io.File;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The clients generated from the four OpenAPI documents (issue #32, item 5) driving the wallet flow
 * (create, deposit with an Idempotency-Key and its retry, the applied operation, the balance) and the
 * order flow (account, order, FINISHED, the account debited) against a running platform: in Java
 * here, in TypeScript by {@code clients/typescript/flow.test.cjs} under Node.
 */
final class GeneratedClientFlows {

  private static final Duration SETTLE = Duration.ofSeconds(60);

  private GeneratedClientFlows() {
  }

  /** @param token a token of {@code userId} with funding (it creates money: an initial balance, a deposit) */
  static void java(String baseUri, String token, UUID userId) throws Exception {
    String bearer = "Bearer " + token;
    var walletClient = new io.walletplatform.client.wallet.ApiClient();
    walletClient.updateBaseUri(baseUri);
    walletClient.setRequestInterceptor(request -> request.header("Authorization", bearer));
    WalletsApi wallets = new WalletsApi(walletClient);

    Wallet wallet = wallets.createWallet(null, new CreateWalletRequest().initialBalance(new BigDecimal("5.00")));
    SubmitOperationRequest deposit = new SubmitOperationRequest().walletId(wallet.getWalletId())
        .operationType(SubmitOperationRequest.OperationTypeEnum.DEPOSIT).amount(new BigDecimal("10.25"));
    String key = "deposit-" + UUID.randomUUID();
    Operation accepted = wallets.submitOperation(deposit, key);
    assertEquals(accepted.getOperationId(), wallets.submitOperation(deposit, key).getOperationId(),
        "a retry with the Idempotency-Key is the same operation");
    Await.until("the deposit is applied", SETTLE, () -> {
      try {
        return "COMPLETED".equals(String.valueOf(wallets.getOperation(wallet.getWalletId(), accepted.getOperationId())
            .getStatus()));
      } catch (io.walletplatform.client.wallet.ApiException e) {
        throw new IllegalStateException(e);
      }
    });
    assertEquals(0, new BigDecimal("15.25").compareTo(wallets.getWallet(wallet.getWalletId()).getBalance()),
        "exact decimals both ways");

    var paymentsClient = new io.walletplatform.client.payments.ApiClient();
    paymentsClient.updateBaseUri(baseUri);
    paymentsClient.setRequestInterceptor(request -> request.header("Authorization", bearer));
    AccountsApi accounts = new AccountsApi(paymentsClient);
    accounts.createAccount(null, new CreateAccountRequest().initialBalance(new BigDecimal("50.00")));
    var ordersClient = new io.walletplatform.client.orders.ApiClient();
    ordersClient.updateBaseUri(baseUri);
    ordersClient.setRequestInterceptor(request -> request.header("Authorization", bearer));
    OrdersApi orders = new OrdersApi(ordersClient);
    Order order = orders.createOrder(new CreateOrderRequest().amount(new BigDecimal("20.00")).description("a book"),
        "order-" + UUID.randomUUID());
    Await.until("the order is paid", SETTLE, () -> {
      try {
        return "FINISHED".equals(String.valueOf(orders.getOrder(order.getOrderId()).getStatus()));
      } catch (io.walletplatform.client.orders.ApiException e) {
        throw new IllegalStateException(e);
      }
    });
    assertEquals(0, new BigDecimal("30.00").compareTo(accounts.getAccount(userId).getBalance()));

    // A problem is an ApiException with the problem+json body.
    var refused = org.junit.jupiter.api.Assertions.assertThrows(io.walletplatform.client.wallet.ApiException.class,
        () -> wallets.getWallet(UUID.randomUUID()));
    assertEquals(404, refused.getCode());
    assertTrue(refused.getResponseBody().contains("WALLET_NOT_FOUND"), refused.getResponseBody());
  }

  /** The same flows through the TypeScript client (built by the client-typescript module). */
  static void typescript(String baseUri, String token, UUID userId) throws Exception {
    File typescript = new File("../clients/typescript").getCanonicalFile();
    assertTrue(new File(typescript, "dist/index.js").isFile(), "the TypeScript client is built first: " + typescript);
    // The flow gets the platform's address and a token through its environment.
    ProcessBuilder builder = new ProcessBuilder("node", "flow.test.cjs").directory(typescript).redirectErrorStream(true);
    builder.environment().put("PLATFORM_URL", baseUri);
    builder.environment().put("PLATFORM_TOKEN", token);
    builder.environment().put("PLATFORM_USER_ID", userId.toString());
    Process run = builder.start();
    run.getOutputStream().close();
    boolean finished = run.waitFor(90, TimeUnit.SECONDS);
    if (!finished) {
      run.destroyForcibly().waitFor();
    }
    String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(finished, "the TypeScript flow did not finish: " + output);
    assertEquals(0, run.exitValue(), output);
    assertTrue(output.contains("ok - order FINISHED"), output);
  }
}
