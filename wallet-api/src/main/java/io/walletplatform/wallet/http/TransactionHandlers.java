package io.walletplatform.wallet.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.errors.ProblemException;
import io.walletplatform.common.http.RequestBodies;
import io.walletplatform.common.http.Responses;
import io.walletplatform.common.idempotency.IdempotencyKeys.Claim;
import io.walletplatform.wallet.domain.TransactionService;
import io.walletplatform.wallet.domain.TransactionService.PostingRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The transactions' operations of {@code wallet-api.yaml}. */
public final class TransactionHandlers {

  /** The most postings one transaction may have. */
  public static final int MAX_POSTINGS = 32;

  private final TransactionService service;

  public TransactionHandlers(TransactionService service) {
    this.service = service;
  }

  public Map<String, Handler<RoutingContext>> byOperationId() {
    return Map.of(
        "submitTransaction", this::submitTransaction,
        "getTransaction", this::getTransaction,
        "reverseTransaction", this::reverseTransaction);
  }

  void submitTransaction(RoutingContext ctx) {
    JsonNode body = RequestBodies.object(ctx);
    UUID transactionId = Claim.idFor(ctx, RequestBodies.optionalUuid(body, "transactionId"));
    JsonNode postings = body.get("postings");
    if (postings == null || !postings.isArray() || postings.isEmpty() || postings.size() > MAX_POSTINGS) {
      throw ProblemException.validation("postings", "must be an array of 1 to " + MAX_POSTINGS + " postings");
    }
    List<PostingRequest> requested = new ArrayList<>(postings.size());
    for (int i = 0; i < postings.size(); i++) {
      JsonNode posting = postings.get(i);
      String field = "postings[" + i + "]";
      if (!posting.isObject()) {
        throw ProblemException.validation(field, "must be an object");
      }
      UUID from = RequestBodies.uuid(posting, "from");
      UUID to = RequestBodies.uuid(posting, "to");
      if (from.equals(to)) {
        throw ProblemException.validation(field + ".to", "must not be the wallet it is from");
      }
      requested.add(new PostingRequest(from, to, RequestBodies.decimal(posting, "amount", false)));
    }
    JsonObject meta = RequestBodies.metadata(body, "metadata");
    Principal principal = Principal.of(ctx);
    Responses.reply(ctx, 202, service.submit(principal, transactionId, requested, meta).map(view -> {
      ctx.response().putHeader("Location", "/api/v1/transactions/" + view.getString("transactionId"));
      return view;
    }));
  }

  void reverseTransaction(RoutingContext ctx) {
    UUID transactionId = Responses.pathUuid(ctx, "transactionId");
    Responses.reply(ctx, 202, service.reverse(Principal.of(ctx), transactionId).map(view -> {
      ctx.response().putHeader("Location", "/api/v1/transactions/" + view.getString("transactionId"));
      return view;
    }));
  }

  void getTransaction(RoutingContext ctx) {
    UUID transactionId = Responses.pathUuid(ctx, "transactionId");
    Responses.reply(ctx, 200, service.get(Principal.of(ctx), transactionId));
  }
}
