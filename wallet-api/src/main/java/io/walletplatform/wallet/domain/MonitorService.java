package io.walletplatform.wallet.domain;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.errors.DomainError;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.BalanceMonitor;
import io.walletplatform.wallet.db.MonitorRepository;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * Balance monitors of a wallet, for its owner (or admin): created knowing whether the condition holds
 * now (so it fires at the next crossing, not at once), listed, deleted. The worker evaluates them.
 */
public final class MonitorService {

  /** What a client asks to watch. */
  public record NewMonitor(BalanceMonitor.Field field, BalanceMonitor.Operator operator, BigDecimal value,
                           JsonObject metadata) {
  }

  /** A monitor and the asset its value is in. */
  public record InAsset(BalanceMonitor monitor, Asset asset) {
    public JsonObject toJson() {
      return monitor.toJson(asset);
    }
  }

  private final Pool pool;
  private final WalletService wallets;
  private final MonitorRepository repository;

  public MonitorService(Pool pool, WalletService wallets, MonitorRepository repository) {
    this.pool = pool;
    this.wallets = wallets;
    this.repository = repository;
  }

  /** 404 WALLET_NOT_FOUND for a wallet the principal may not act on, 409 LIMIT_REACHED past 20, 422 AMOUNT_PRECISION. */
  public Future<InAsset> create(Principal principal, UUID walletId, UUID monitorId, NewMonitor request) {
    return wallets.walletFor(principal, walletId).compose(ref -> {
      Money value = OperationRequest.exact(request.value(), ref.asset(), "value");
      return pool.withTransaction(tx -> repository.lockWallet(tx, walletId).compose(locked -> {
        if (locked == null) {
          return Future.failedFuture(WalletService.walletNotFound(walletId));
        }
        if (locked.monitors() >= BalanceMonitor.MAX_PER_WALLET) {
          return Future.failedFuture(DomainError.conflict("LIMIT_REACHED", "a wallet has at most "
              + BalanceMonitor.MAX_PER_WALLET + " monitors; delete one first"));
        }
        BalanceMonitor monitor = new BalanceMonitor(monitorId, walletId, request.field(), request.operator(), value,
            request.metadata(), false, null);
        return repository.insert(tx, monitor.withTriggered(monitor.metBy(locked.balance(), locked.held())),
            principal.subject());
      })).map(created -> new InAsset(created, ref.asset()));
    });
  }

  public Future<List<InAsset>> list(Principal principal, UUID walletId) {
    return wallets.walletFor(principal, walletId).compose(ref -> repository.list(pool, walletId)
        .map(monitors -> monitors.stream().map(monitor -> new InAsset(monitor, ref.asset())).toList()));
  }

  /** 404 MONITOR_NOT_FOUND when the wallet has no such monitor. */
  public Future<Void> delete(Principal principal, UUID walletId, UUID monitorId) {
    return wallets.walletFor(principal, walletId).compose(ref -> repository.delete(pool, walletId, monitorId))
        .compose(deleted -> deleted ? Future.<Void>succeededFuture()
            : Future.failedFuture(DomainError.notFound("MONITOR_NOT_FOUND", "wallet " + walletId
                + " has no monitor " + monitorId)));
  }
}
