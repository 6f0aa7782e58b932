package io.walletplatform.webhooks.domain;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.errors.DomainError;
import io.walletplatform.common.idempotency.IdempotencyKeys.Claim;
import io.walletplatform.common.webhooks.EventTypes;
import io.walletplatform.webhooks.db.WebhookRepository;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A principal's webhooks: at most {@code maxSubscriptions} live ones, each to a URL the
 * {@link TargetPolicy} admits, for event types its token's scopes cover (wallet events need
 * {@code wallets}, order events {@code orders}, account events {@code payments}). Another principal's
 * webhook answers 404, as if it did not exist (admin excepted).
 */
public final class WebhookService {

  /** What creation answers, the only time the secret is shown. */
  public record Created(Subscription subscription, String secret) {

    /**
     * The answer's headers, written and, under an Idempotency-Key, replayed: where it is, and that no
     * cache (a proxy's, the browser's) may keep it, for it carries the signing secret.
     */
    public java.util.Map<String, String> headers() {
      return java.util.Map.of("Location", "/api/v1/webhooks/" + subscription.webhookId(), "Cache-Control", "no-store");
    }

    /** The subscription with its signing secret: the only answer that ever shows the secret. */
    public io.vertx.core.json.JsonObject toJson() {
      return subscription.toJson().put("secret", secret);
    }
  }

  private final Pool pool;
  private final WebhookRepository repository;
  private final TargetPolicy policy;
  private final Resolver resolver;
  private final int maxSubscriptions;

  public WebhookService(Pool pool, WebhookRepository repository, TargetPolicy policy, Resolver resolver,
                        int maxSubscriptions) {
    this.pool = pool;
    this.repository = repository;
    this.policy = policy;
    this.resolver = resolver;
    this.maxSubscriptions = maxSubscriptions;
  }

  /**
   * Subscribes; with an Idempotency-Key ({@code claim}, else null) the answer, secret included, is
   * stored in the subscription's own transaction: one subscription per key.
   */
  public Future<Created> create(Principal principal, String url, List<String> events, Claim claim) {
    URI target;
    try {
      target = policy.parse(url);
    } catch (IllegalArgumentException refused) {
      return Future.failedFuture(DomainError.invalid("url", refused.getMessage()));
    }
    Set<String> seen = new HashSet<>();
    for (String type : events) {
      if (!EventTypes.ALL.contains(type)) {
        return Future.failedFuture(DomainError.invalid("events", "unknown event type " + type
            + "; known: " + String.join(", ", EventTypes.ALL)));
      }
      if (!seen.add(type)) {
        return Future.failedFuture(DomainError.invalid("events", type + " is listed twice"));
      }
      String scope = type.startsWith("wallet.") ? "wallets" : type.startsWith("order.") ? "orders"
          : type.startsWith("account.") ? "payments" : null;
      if (scope != null && !principal.isAdmin() && !principal.scopes().contains(scope)) {
        return Future.failedFuture(DomainError.forbidden("the token's scopes do not include " + scope
            + ", which " + type + " needs"));
      }
    }
    return resolver.resolve(target.getHost())
        .recover(error -> Future.failedFuture(error instanceof Resolver.Refused refused
            ? DomainError.invalid("url", refused.getMessage()) : error))
        .compose(address -> {
          UUID webhookId = UUID.randomUUID();
          String secret = Signature.newSecret();
          return pool.withTransaction(tx -> repository.lockPrincipal(tx, principal.subject())
              .compose(ignored -> repository.countActive(tx, principal.subject()))
              .compose(active -> active >= maxSubscriptions
                  ? Future.failedFuture(DomainError.conflict("LIMIT_REACHED", "at most " + maxSubscriptions
                      + " webhooks per principal; delete one first"))
                  : repository.insert(tx, webhookId, principal.subject(), url, events, secret))
              .map(createdAt -> new Created(new Subscription(webhookId, principal.subject(), url, events,
                  createdAt), secret))
              .compose(created -> claim == null ? Future.succeededFuture(created)
                  : claim.record(tx, 201, created.headers(), created.toJson()).map(created)));
        });
  }

  public Future<List<Subscription>> list(Principal principal) {
    return repository.list(pool, principal.subject());
  }

  public Future<Void> delete(Principal principal, UUID webhookId) {
    return pool.withTransaction(tx -> repository.delete(tx, webhookId, owner(principal)))
        .compose(deleted -> deleted ? Future.succeededFuture() : Future.failedFuture(notFound(webhookId)));
  }

  public Future<WebhookRepository.DeliveryPage> deliveries(Principal principal, UUID webhookId, Long before, int limit) {
    return subscription(principal, webhookId)
        .compose(found -> repository.deliveries(pool, webhookId, before == null ? Long.MAX_VALUE : before, limit))
        .map(items -> new WebhookRepository.DeliveryPage(items, items.size() == limit ? items.get(items.size() - 1).id()
            : null));
  }

  public Future<Delivery> retry(Principal principal, UUID webhookId, UUID deliveryId) {
    return subscription(principal, webhookId)
        .compose(found -> repository.retry(pool, deliveryId, webhookId))
        .compose(delivery -> delivery != null ? Future.succeededFuture(delivery)
            : Future.failedFuture(DomainError.notFound("DELIVERY_NOT_FOUND", "webhook " + webhookId
                + " has no delivery " + deliveryId)));
  }

  private Future<Subscription> subscription(Principal principal, UUID webhookId) {
    return repository.find(pool, webhookId, owner(principal))
        .compose(found -> found != null ? Future.succeededFuture(found) : Future.failedFuture(notFound(webhookId)));
  }

  private static String owner(Principal principal) {
    return principal.isAdmin() ? null : principal.subject();
  }

  static DomainError notFound(UUID webhookId) {
    return DomainError.notFound("WEBHOOK_NOT_FOUND", "webhook " + webhookId + " does not exist");
  }
}
