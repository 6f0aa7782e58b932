package io.walletplatform.wallet.http;

import io.walletplatform.common.util.Enums;
import io.walletplatform.common.wallet.OperationStatus;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.http.Cursors;
import io.walletplatform.common.json.JsonText;
import io.walletplatform.common.http.ListFilters;
import io.walletplatform.common.errors.ProblemException;
import io.walletplatform.common.http.RequestBodies;
import io.walletplatform.common.http.Responses;
import io.walletplatform.common.idempotency.IdempotencyKeys.Claim;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.wallet.db.WalletRepository;
import io.walletplatform.wallet.domain.OperationRequest;
import io.walletplatform.common.wallet.OperationView;
import io.walletplatform.wallet.domain.WalletService;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;

/** One handler per operationId of {@code wallet-api.yaml}. */
public final class WalletHandlers {

  /** Operations whose handler enforces every rule of the contract itself (the hot write path). */
  public static final String SUBMIT_OPERATION = "submitOperation";
  public static final java.util.Set<String> CHECKED_BY_HANDLER = java.util.Set.of(SUBMIT_OPERATION);

  private final WalletService service;

  public WalletHandlers(WalletService service) {
    this.service = service;
  }

  public Map<String, Handler<RoutingContext>> byOperationId() {
    return Map.of(
        "createWallet", this::createWallet,
        "getWallet", this::getWallet,
        SUBMIT_OPERATION, this::submitOperation,
        "getOperation", this::getOperation,
        "listOperations", this::listOperations,
        "getBalanceAt", this::getBalanceAt,
        "updateWallet", this::updateWallet,
        "listAssets", this::listAssets,
        "createAsset", this::createAsset,
        "exportStatement", new StatementExport(service)::handle);
  }

  void createWallet(RoutingContext ctx) {
    JsonNode body = RequestBodies.object(ctx);
    UUID walletId = Claim.idFor(ctx, RequestBodies.optionalUuid(body, "walletId"));
    BigDecimal initialBalance = RequestBodies.optionalDecimal(body, "initialBalance");
    BigDecimal creditLimit = RequestBodies.optionalDecimal(body, "creditLimit");
    String asset = body.hasNonNull("asset") ? assetCode(body) : null;
    Principal principal = Principal.of(ctx);
    if (initialBalance.signum() > 0) {
      principal.requireFunding("a non-zero initialBalance");
    }
    // A credit limit lets the wallet pay out money nobody brought in: it creates money as surely as a deposit.
    if (creditLimit.signum() > 0) {
      principal.requireFunding("a non-zero creditLimit");
    }
    ctx.response().putHeader("Location", "/api/v1/wallets/" + walletId);
    Responses.reply(ctx, 201, service.createWallet(principal,
            new WalletService.NewWallet(walletId, asset, initialBalance, creditLimit,
                RequestBodies.metadata(body, "metadata")))
        .map(WalletService.OwnedWallet::toJson));
  }

  /** An admin changes a wallet's credit limit (the only member a wallet may change). */
  void updateWallet(RoutingContext ctx) {
    UUID walletId = Responses.pathUuid(ctx, "walletId");
    JsonNode body = RequestBodies.object(ctx);
    BigDecimal creditLimit = RequestBodies.decimal(body, "creditLimit", true);
    Responses.reply(ctx, 200, service.setCreditLimit(Principal.of(ctx), walletId, creditLimit)
        .map(WalletService.OwnedWallet::toJson));
  }

  void listAssets(RoutingContext ctx) {
    Responses.reply(ctx, 200, service.assets().map(assets -> {
      JsonArray items = new JsonArray();
      assets.forEach(asset -> items.add(assetJson(asset)));
      return new JsonObject().put("items", items);
    }));
  }

  void createAsset(RoutingContext ctx) {
    JsonNode body = RequestBodies.object(ctx);
    String code = assetCode(body, "code");
    JsonNode precision = body.get("precision");
    if (precision == null || !precision.isIntegralNumber() || precision.bigIntegerValue().signum() < 0
        || precision.bigIntegerValue().compareTo(java.math.BigInteger.valueOf(Asset.MAX_PRECISION)) > 0) {
      throw ProblemException.validation("precision", "must be an integer from 0 to " + Asset.MAX_PRECISION);
    }
    Asset asset = new Asset(code, precision.intValue());
    ctx.response().putHeader("Location", "/api/v1/assets/" + code);
    Responses.reply(ctx, 201, service.addAsset(asset).map(WalletHandlers::assetJson));
  }

  private static JsonObject assetJson(Asset asset) {
    return new JsonObject().put("code", asset.code()).put("precision", asset.precision());
  }

  private static String assetCode(JsonNode body) {
    return assetCode(body, "asset");
  }

  private static String assetCode(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || !node.isTextual() || !Asset.CODE.matcher(node.textValue()).matches()) {
      throw ProblemException.validation(field, "must be 2 to 16 of A-Z, 0-9 and _");
    }
    return node.textValue();
  }

  void getWallet(RoutingContext ctx) {
    UUID walletId = Responses.pathUuid(ctx, "walletId");
    Responses.reply(ctx, 200, service.getWallet(Principal.of(ctx), walletId).map(WalletService.OwnedWallet::toJson));
  }

  void submitOperation(RoutingContext ctx) {
    JsonNode body = RequestBodies.object(ctx);
    UUID walletId = RequestBodies.uuid(body, "walletId");
    OperationType type = operationType(RequestBodies.text(body, "operationType"));
    OperationRequest request = request(body, walletId, type).withMetadata(RequestBodies.metadata(body, "metadata"));
    UUID operationId = Claim.idFor(ctx, RequestBodies.optionalUuid(body, "operationId"));
    Principal principal = Principal.of(ctx);
    if (type == OperationType.DEPOSIT) {
      principal.requireFunding("a DEPOSIT");
    }
    Responses.replyText(ctx, 202, service.submit(principal, request, operationId).map(operation -> {
      ctx.response().putHeader("Location", location(operation));
      return Buffer.buffer(operation.encode());
    }));
  }

  void getOperation(RoutingContext ctx) {
    UUID walletId = Responses.pathUuid(ctx, "walletId");
    UUID operationId = Responses.pathUuid(ctx, "operationId");
    Responses.replyText(ctx, 200, service.getOperation(Principal.of(ctx), walletId, operationId)
        .map(operation -> Buffer.buffer(operation.encode())));
  }

  void listOperations(RoutingContext ctx) {
    UUID walletId = Responses.pathUuid(ctx, "walletId");
    int limit = Responses.queryInt(ctx, "limit", 50);
    long[] cursor = Cursors.decodePair(Responses.query(ctx, "cursor"));
    ListFilters.Period period = ListFilters.period(ctx);
    WalletRepository.PageQuery query = new WalletRepository.PageQuery(period.from(), period.to(), cursor, limit,
        operationFilter(ctx));
    Responses.replyText(ctx, 200, service.listOperations(Principal.of(ctx), walletId, query).map(page -> {
      StringJoiner items = new StringJoiner(",", "[", "]");
      page.items().forEach(operation -> items.add(operation.encode()));
      String next = page.items().size() == limit && page.last() != null
          ? Cursors.encode(page.last()[0], page.last()[1]) : null;
      return Buffer.buffer(new JsonText(items.length() + 64).raw("items", items.toString())
          .string("nextCursor", next).close());
    }));
  }

  /** The list's filters: operationType, status, minAmount and maxAmount (inclusive), metadata[name]. */
  static WalletRepository.OperationFilter operationFilter(RoutingContext ctx) {
    // The contract's enums are checked by the router: 400 before this runs.
    String type = Responses.query(ctx, "operationType");
    return new WalletRepository.OperationFilter(type == null ? null : operationType(type),
        Enums.of(OperationStatus.class, Responses.query(ctx, "status")), ListFilters.amounts(ctx), RequestBodies.metadataFilter(ctx.queryParams()));
  }

  void getBalanceAt(RoutingContext ctx) {
    UUID walletId = Responses.pathUuid(ctx, "walletId");
    Instant at = instant(Responses.query(ctx, "at"), "at");
    if (at == null) {
      throw ProblemException.validation("at", "is required");
    }
    Responses.reply(ctx, 200, service.balanceAt(Principal.of(ctx), walletId, at).map(in -> {
      WalletRepository.BalanceAt balance = in.balance();
      Asset asset = in.asset();
      return new JsonObject()
          .put("walletId", balance.walletId().toString())
          .put("asset", asset.code())
          .put("balance", asset.decimal(balance.balance()))
          .put("held", asset.decimal(balance.held()))
          .put("available", asset.decimal(balance.balance().minus(balance.held())))
          .put("version", balance.version())
          .put("at", Timestamps.format(balance.at()));
    }));
  }

  /**
   * The operation the body describes: each type takes its own members and no other's (a member of
   * another type is refused, never ignored: a client that sent it meant something).
   */
  static OperationRequest request(JsonNode body, UUID walletId, OperationType type) {
    return switch (type) {
      case DEPOSIT, WITHDRAW -> {
        forbid(body, type, "toWalletId", "holdId", "expiresAt");
        yield OperationRequest.of(walletId, type, RequestBodies.decimal(body, "amount", false));
      }
      case TRANSFER -> {
        forbid(body, type, "holdId", "expiresAt");
        UUID to = RequestBodies.uuid(body, "toWalletId");
        if (to.equals(walletId)) {
          throw ProblemException.validation("toWalletId", "must not be the walletId itself");
        }
        yield new OperationRequest(walletId, type, RequestBodies.decimal(body, "amount", false), to, null, null);
      }
      case HOLD -> {
        forbid(body, type, "toWalletId", "holdId");
        Instant now = Instant.now();
        Instant expiresAt = body.hasNonNull("expiresAt") ? instant(textOf(body, "expiresAt"), "expiresAt")
            : now.plus(DEFAULT_HOLD);
        if (!expiresAt.isAfter(now)) {
          throw ProblemException.validation("expiresAt", "must be in the future");
        }
        if (expiresAt.isAfter(now.plus(MAX_HOLD))) {
          throw ProblemException.validation("expiresAt", "must be at most 30 days from now");
        }
        yield new OperationRequest(walletId, type, RequestBodies.decimal(body, "amount", false), null, null,
            expiresAt.truncatedTo(ChronoUnit.MILLIS));
      }
      case CAPTURE -> {
        forbid(body, type, "toWalletId", "expiresAt");
        yield new OperationRequest(walletId, type, RequestBodies.decimal(body, "amount", false), null,
            RequestBodies.uuid(body, "holdId"), null);
      }
      case VOID -> {
        forbid(body, type, "toWalletId", "expiresAt", "amount");
        yield new OperationRequest(walletId, type, BigDecimal.ZERO, null, RequestBodies.uuid(body, "holdId"), null);
      }
    };
  }

  private static final Duration DEFAULT_HOLD = Duration.ofDays(7);
  private static final Duration MAX_HOLD = Duration.ofDays(30);

  private static void forbid(JsonNode body, OperationType type, String... fields) {
    for (String field : fields) {
      if (body.hasNonNull(field)) {
        throw ProblemException.validation(field, "is not allowed for a " + type);
      }
    }
  }

  private static String textOf(JsonNode body, String field) {
    if (!body.get(field).isTextual()) {
      throw ProblemException.validation(field, "must be an RFC 3339 timestamp");
    }
    return body.get(field).textValue();
  }

  static Instant instant(String text, String field) {
    return RequestBodies.instant(text, field);
  }

  private static OperationType operationType(String text) {
    try {
      return OperationType.of(text);
    } catch (IllegalArgumentException e) {
      throw ProblemException.validation("operationType", "must be one of DEPOSIT, WITHDRAW, TRANSFER, HOLD, CAPTURE, VOID");
    }
  }

  private static String location(OperationView operation) {
    return "/api/v1/wallets/" + operation.walletId() + "/operations/" + operation.operationId();
  }
}
