package io.walletplatform.payments.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.http.Cursors;
import io.walletplatform.common.http.ListFilters;
import io.walletplatform.common.http.RequestBodies;
import io.walletplatform.common.http.Responses;
import io.walletplatform.common.idempotency.IdempotencyKeys.Claim;
import io.walletplatform.common.money.Money;
import io.walletplatform.payments.db.AccountRepository;
import io.walletplatform.payments.domain.Account;
import io.walletplatform.payments.domain.AccountsService;

import java.util.Map;
import java.util.UUID;

/**
 * One handler per operationId of {@code payments-api.yaml}. The principal's sub is its userId: an
 * account of another user answers ACCOUNT_NOT_FOUND, as if it did not exist (admin excepted).
 */
public final class PaymentsHandlers {

  private final AccountsService service;

  public PaymentsHandlers(AccountsService service) {
    this.service = service;
  }

  public Map<String, Handler<RoutingContext>> byOperationId() {
    return Map.of(
        "createAccount", this::createAccount,
        "getAccount", this::getAccount,
        "deposit", this::deposit,
        "listTransactions", this::listTransactions);
  }

  void createAccount(RoutingContext ctx) {
    JsonNode body = RequestBodies.object(ctx);
    Principal principal = Principal.of(ctx);
    UUID userId = principal.userId(RequestBodies.optionalUuid(body, "userId"));
    Money initialBalance = RequestBodies.optionalAmount(body, "initialBalance");
    if (initialBalance != null && initialBalance.isPositive()) {
      principal.requireFunding("a non-zero initialBalance");
    }
    ctx.response().putHeader("Location", "/api/v1/accounts/" + userId);
    io.vertx.core.json.JsonObject metadata = RequestBodies.metadata(body, "metadata");
    Responses.reply(ctx, 201, service.open(userId, initialBalance, principal.subject(), metadata)
        .map(Account::toJson));
  }

  void getAccount(RoutingContext ctx) {
    Responses.reply(ctx, 200, service.get(accountOf(ctx)).map(Account::toJson));
  }

  void deposit(RoutingContext ctx) {
    UUID userId = accountOf(ctx);
    JsonNode body = RequestBodies.object(ctx);
    Money amount = RequestBodies.amount(body, "amount", false);
    Principal.of(ctx).requireFunding("a top-up");
    Responses.reply(ctx, 200, service.deposit(userId, amount, Principal.of(ctx).subject(), Claim.of(ctx))
        .map(Account::toJson));
  }

  /** The path's userId when the principal may act on that account; otherwise the 404 of an account that does not exist. */
  private static UUID accountOf(RoutingContext ctx) {
    UUID userId = Responses.pathUuid(ctx, "userId");
    if (!Principal.of(ctx).mayActForUser(userId)) {
      throw AccountsService.accountNotFound(userId);
    }
    return userId;
  }

  void listTransactions(RoutingContext ctx) {
    UUID userId = accountOf(ctx);
    int limit = Responses.queryInt(ctx, "limit", 50);
    Long before = Cursors.decode(Responses.query(ctx, "cursor"));
    ListFilters.Amounts amounts = ListFilters.amounts(ctx);
    ListFilters.Period period = ListFilters.period(ctx);
    AccountRepository.TransactionFilter filter = new AccountRepository.TransactionFilter(Responses.query(ctx, "type"),
        amounts.minMinor(Money.SCALE), amounts.maxMinor(Money.SCALE), period.from(), period.to());
    Responses.reply(ctx, 200, service.transactions(userId, before, limit, filter).map(page -> {
      JsonArray items = new JsonArray();
      page.items().forEach(transaction -> items.add(transaction.toJson()));
      String next = page.items().size() == limit && page.lastId() != null ? Cursors.encode(page.lastId()) : null;
      return new JsonObject().put("items", items).put("nextCursor", next);
    }));
  }
}
