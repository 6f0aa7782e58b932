package io.walletplatform.worker.domain;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.walletplatform.common.outbox.Outbox;
import io.walletplatform.common.outbox.OutboxEvent;
import io.walletplatform.common.wallet.BalanceMonitor;
import io.walletplatform.common.wallet.WalletSnapshot;
import io.walletplatform.common.webhooks.EventTypes;
import io.walletplatform.common.webhooks.PlatformEvent;
import io.walletplatform.common.webhooks.WebhookInterest;
import io.walletplatform.worker.db.LedgerRepository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Evaluates balance monitors on the wallets a batch (or a transaction's settlement) changed, in that
 * batch's transaction and under its wallet locks: a monitor whose condition turns true fires
 * {@code wallet.monitor.triggered} once, through the wallet database's outbox; one whose condition
 * turns false is re-armed. A batch whose changed wallets have no monitors (the wallet row counts them,
 * and the batch read that row anyway) pays no statement.
 */
public final class BalanceMonitors {

  /** What a batch's resulting balances do to the monitors of its wallets. */
  public record Crossings(List<BalanceMonitor> flipped, List<Fired> fired) {
  }

  /** A monitor that fired, with the wallet state that made it fire. */
  public record Fired(BalanceMonitor monitor, WalletSnapshot wallet) {
  }

  private final LedgerRepository repository;
  private final WebhookInterest interest;
  private final String topic;

  public BalanceMonitors(LedgerRepository repository, WebhookInterest interest, String topic) {
    this.repository = repository;
    this.interest = interest;
    this.topic = topic;
  }

  /** The decision alone: which monitors change state, and which of those fire (turned true). */
  public static Crossings decide(List<BalanceMonitor> monitors, Map<UUID, WalletSnapshot> after) {
    List<BalanceMonitor> flipped = new ArrayList<>();
    List<Fired> fired = new ArrayList<>();
    for (BalanceMonitor monitor : monitors) {
      WalletSnapshot wallet = after.get(monitor.walletId());
      if (wallet == null) {
        continue;
      }
      boolean met = monitor.metBy(wallet);
      if (met != monitor.triggered()) {
        BalanceMonitor now = monitor.withTriggered(met);
        flipped.add(now);
        if (met) {
          fired.add(new Fired(now, wallet));
        }
      }
    }
    return new Crossings(flipped, fired);
  }

  /** Evaluates the monitors of the {@code changed} wallets that have any, through {@code tx}. */
  public Future<Void> evaluate(SqlClient tx, Set<UUID> monitored, Map<UUID, String> owners,
                               Collection<WalletSnapshot> changed) {
    if (monitored.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<UUID, WalletSnapshot> after = new HashMap<>();
    for (WalletSnapshot wallet : changed) {
      if (monitored.contains(wallet.walletId())) {
        after.put(wallet.walletId(), wallet);
      }
    }
    if (after.isEmpty()) {
      return Future.succeededFuture();
    }
    return repository.findMonitors(tx, after.keySet()).compose(monitors -> {
      Crossings crossings = decide(monitors, after);
      if (crossings.flipped().isEmpty()) {
        return Future.succeededFuture();
      }
      return repository.setTriggered(tx, crossings.flipped()).compose(ignored -> record(tx, crossings.fired(), owners));
    });
  }

  private Future<Void> record(SqlClient tx, List<Fired> fired, Map<UUID, String> owners) {
    Instant now = Instant.now();
    List<OutboxEvent> events = new ArrayList<>();
    for (Fired one : fired) {
      String owner = owners.get(one.wallet().walletId());
      if (!interest.wants(owner, EventTypes.MONITOR_TRIGGERED)) {
        continue;
      }
      WalletSnapshot wallet = one.wallet();
      // One event per crossing: the wallet's version after the batch tells crossings apart, and a
      // batch run again after a crash reports the same crossing under the same id.
      UUID eventId = PlatformEvent.id(EventTypes.MONITOR_TRIGGERED, one.monitor().monitorId(), wallet.version());
      events.add(PlatformEvent.outbox(topic, EventTypes.MONITOR_TRIGGERED, eventId, "wallet", wallet.walletId(), owner,
          now, one.monitor().toJson(wallet.asset())
              .put("balance", wallet.asset().decimal(wallet.balance()))
              .put("available", wallet.asset().decimal(wallet.available()))
              .put("asset", wallet.asset().code())
              .put("walletVersion", wallet.version())));
    }
    return events.isEmpty() ? Future.succeededFuture() : Outbox.appendAll(tx, events);
  }
}
