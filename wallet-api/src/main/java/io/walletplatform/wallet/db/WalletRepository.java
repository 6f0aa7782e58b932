package io.walletplatform.wallet.db;

import io.walletplatform.common.util.Enums;
import io.walletplatform.common.wallet.FailureReason;
import io.walletplatform.common.wallet.HoldStatus;
import io.walletplatform.common.wallet.OperationStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.walletplatform.common.db.Filters;
import io.walletplatform.common.http.ListFilters;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;
import io.walletplatform.common.wallet.WalletSnapshot;
import io.walletplatform.common.wallet.OperationView;
import io.walletplatform.common.wallet.Postings;
import io.walletplatform.common.wallet.Postings.Posting;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Wallet rows and applied operations, read and written through the caller's {@link SqlClient}. */
public final class WalletRepository {

  /** One page of operations and where its last row sits (processed_at in microseconds, id), for the next cursor. */
  public record OperationPage(List<OperationView> items, long[] last) {
  }

  /**
   * A page's bounds: the period [from, to) on processedAt and the cursor (the last row of the page
   * before), and what its rows must be.
   */
  public record PageQuery(Instant from, Instant to, long[] cursor, int limit, OperationFilter filter) {
  }

  /**
   * What a listed operation must be ({@code null} members: anything): of this type, in this status,
   * of an amount in the range (decimals in the wallet's asset), with metadata holding every member of
   * {@code metadata}.
   */
  public record OperationFilter(OperationType type, OperationStatus status, ListFilters.Amounts amounts, JsonObject metadata) {
  }

  /** The wallet as of an instant; {@code null} from {@link #balanceAt} when the wallet did not exist then. */
  public record BalanceAt(UUID walletId, Money balance, Money held, long version, Instant at) {
  }

  private static final OffsetDateTime EARLIEST = OffsetDateTime.parse("0001-01-01T00:00:00Z");
  private static final OffsetDateTime LATEST = OffsetDateTime.parse("9999-12-31T23:59:59Z");

  /**
   * Inserts a wallet for {@code ownerId} unless the owner already has {@code maxWallets}; {@code null}
   * then. Run it in a transaction: the owner's advisory lock is held until the commit.
   */
  public Future<WalletSnapshot> insertWallet(SqlClient tx, UUID walletId, Money initialBalance, String ownerId,
                                             int maxWallets, Asset asset, Money creditLimit, JsonObject metadata) {
    return tx.preparedQuery(WalletSql.LOCK_OWNER).execute(Tuple.of(ownerId))
        .compose(locked -> tx.preparedQuery(WalletSql.INSERT_WALLET_UNDER_LIMIT)
            .execute(Tuple.from(new Object[] {walletId, initialBalance.minor(), ownerId, maxWallets, asset.code(),
                creditLimit.minor(), metadata})))
        .map(rows -> rows.size() == 0 ? null : toSnapshot(rows.iterator().next()));
  }

  /** A wallet's owner ({@code null} for a wallet from before authentication) and asset. */
  public record OwnerAndAsset(String ownerId, Asset asset, JsonObject metadata) {
  }

  /** The wallet's owner and asset, or {@code null} when there is no such wallet. */
  public Future<OwnerAndAsset> findOwner(SqlClient client, UUID walletId) {
    return client.preparedQuery(WalletSql.FIND_OWNER)
        .execute(Tuple.of(walletId))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new OwnerAndAsset(row.getString("owner_id"), asset(row), row.getJsonObject("metadata"));
        });
  }

  /** The wallet with its new credit limit, or {@code null} when it is already below what that limit allows. */
  public Future<WalletSnapshot> setCreditLimit(SqlClient client, UUID walletId, Money creditLimit) {
    return client.preparedQuery(WalletSql.SET_CREDIT_LIMIT)
        .execute(Tuple.of(walletId, creditLimit.minor()))
        .map(rows -> rows.size() == 0 ? null : toSnapshot(rows.iterator().next()));
  }

  /** A transaction as stored. */
  public record StoredTransaction(UUID transactionId, OperationStatus status, FailureReason failureReason, UUID failedWalletId,
                                  List<Posting> postings,
                                  JsonObject metadata, String requestedBy, Instant acceptedAt,
                                  Instant processedAt, UUID reverses, UUID reversedBy) {
  }

  /** Inserts the transaction PENDING; {@code false} when its id exists already. */
  public Future<Boolean> insertTransaction(SqlClient client, UUID transactionId,
                                           List<Posting> postings,
                                           JsonObject metadata, String requestedBy, Instant acceptedAt,
                                           UUID reverses) {
    return client.preparedQuery(WalletSql.INSERT_TRANSACTION)
        .execute(Tuple.from(new Object[] {transactionId, Postings.toStored(postings),
            metadata, requestedBy, acceptedAt.atOffset(ZoneOffset.UTC), reverses}))
        .map(rows -> rows.size() == 1);
  }

  /** The transaction, or {@code null}. */
  public Future<StoredTransaction> findTransaction(SqlClient client, UUID transactionId) {
    return client.preparedQuery(WalletSql.FIND_TRANSACTION).execute(Tuple.of(transactionId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      String metadata = row.getString("metadata");
      return new StoredTransaction(transactionId, OperationStatus.valueOf(row.getString("status")),
          Enums.of(FailureReason.class, row.getString("failure_reason")),
          row.getUUID("failed_wallet_id"), Postings.decode(row.getString("postings")),
          metadata == null ? null : new JsonObject(metadata), row.getString("requested_by"),
          instant(row.getOffsetDateTime("accepted_at")), instant(row.getOffsetDateTime("processed_at")),
          row.getUUID("reverses"), row.getUUID("reversed_by"));
    });
  }

  /** Every asset, by code. */
  public Future<List<Asset>> listAssets(SqlClient client) {
    return client.preparedQuery(WalletSql.LIST_ASSETS).execute().map(rows -> {
      List<Asset> assets = new ArrayList<>(rows.size());
      rows.forEach(row -> assets.add(new Asset(row.getString("code"), row.getInteger("precision"))));
      return assets;
    });
  }

  /** The asset with this code, or {@code null}. */
  public Future<Asset> findAsset(SqlClient client, String code) {
    return client.preparedQuery(WalletSql.FIND_ASSET).execute(Tuple.of(code)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new Asset(row.getString("code"), row.getInteger("precision"));
    });
  }

  /** Adds the asset; {@code false} when its code exists already. */
  public Future<Boolean> insertAsset(SqlClient client, Asset asset) {
    return client.preparedQuery(WalletSql.INSERT_ASSET).execute(Tuple.of(asset.code(), asset.precision()))
        .map(rows -> rows.size() == 1);
  }

  private static Asset asset(Row row) {
    return new Asset(row.getString("asset"), row.getInteger("precision"));
  }

  /** The wallet, or {@code null}. */
  public Future<WalletSnapshot> findWallet(SqlClient client, UUID walletId) {
    return client.preparedQuery(WalletSql.FIND_WALLET)
        .execute(Tuple.of(walletId))
        .map(rows -> rows.size() == 0 ? null : toSnapshot(rows.iterator().next()));
  }

  /** The wallets that exist among {@code walletIds}, by id, in one query. */
  public Future<Map<UUID, WalletSnapshot>> findWallets(SqlClient client, List<UUID> walletIds) {
    return client.preparedQuery(WalletSql.FIND_WALLETS)
        .execute(Tuple.of(walletIds.toArray(UUID[]::new)))
        .map(rows -> {
          Map<UUID, WalletSnapshot> found = new HashMap<>();
          rows.forEach(row -> {
            WalletSnapshot snapshot = toSnapshot(row);
            found.put(snapshot.walletId(), snapshot);
          });
          return found;
        });
  }

  /**
   * The applied operation as {@code viewer} sees it (the destination's view of a TRANSFER it received),
   * else as its source sees it; {@code null} when the worker has not applied it (yet).
   */
  public Future<OperationView> findOperation(SqlClient client, UUID operationId, UUID viewer, Asset asset) {
    return client.preparedQuery(WalletSql.FIND_OPERATION)
        .execute(Tuple.of(operationId))
        .map(rows -> rows.size() == 0 ? null : toOperation(rows.iterator().next(), viewer, asset));
  }

  /** The wallet as of {@code at}; {@code null} when there is no such wallet or it was created after {@code at}. */
  public Future<BalanceAt> balanceAt(SqlClient client, UUID walletId, Instant at) {
    return client.preparedQuery(WalletSql.BALANCE_AT)
        .execute(Tuple.of(walletId, at.atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          if (row.getOffsetDateTime("created_at").toInstant().isAfter(at)) {
            return null;
          }
          return new BalanceAt(walletId, Money.ofMinor(row.getLong("balance_minor")),
              Money.ofMinor(row.getLong("held_minor")), row.getLong("version"), at);
        });
  }

  /**
   * The operation submitted for this wallet under an operationId that had been applied with other
   * content, as the worker recorded it: FAILED with OPERATION_ID_REUSED. {@code null} if there is none.
   */
  public Future<OperationView> findReuse(SqlClient client, UUID operationId, UUID walletId, Asset asset) {
    return client.preparedQuery(WalletSql.FIND_REUSE)
        .execute(Tuple.of(operationId, walletId))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new OperationView(operationId, walletId, OperationType.valueOf(row.getString("operation_type")),
              Money.ofMinor(row.getLong("amount_minor")), OperationStatus.FAILED, FailureReason.OPERATION_ID_REUSED, null,
              instant(row.getOffsetDateTime("accepted_at")), instant(row.getOffsetDateTime("detected_at")),
              row.getString("requested_by"), null, null, null, null, null, asset, null, null);
        });
  }

  public Future<OperationPage> listOperations(io.vertx.sqlclient.Pool pool, UUID walletId, PageQuery page,
                                              Asset asset) {
    OffsetDateTime cursorAt = page.cursor() == null ? LATEST : micros(page.cursor()[0]);
    long cursorId = page.cursor() == null ? Long.MAX_VALUE : page.cursor()[1];
    OperationFilter filter = page.filter();
    Filters filters = new Filters(7)
        .add("o.operation_type", "=", filter.type(), "text")
        .add("o.status", "=", filter.status(), "text")
        .add("o.amount_minor", ">=", filter.amounts().minMinor(asset.precision()), "bigint")
        .add("o.amount_minor", "<=", filter.amounts().maxMinor(asset.precision()), "bigint")
        .metadata("o.metadata", filter.metadata());
    if (filter.metadata() == null) {
      return historyPage(pool, WalletSql.listOperations(filters.sql()), walletId, page.from(), page.to(), cursorAt,
          cursorId, page.limit(), asset, filters, true);
    }
    // A metadata filter: walk the newest rows first (a value many rows have fills the page there, in
    // a few milliseconds); a page that does not fill is the metadata index's (a value few rows have,
    // found in a millisecond). Plans made for the values (force_custom_plan) and the second without
    // index walks: PostgreSQL's estimate for jsonb containment, sometimes a thousand times too high
    // for a value one row has, made it walk the whole history (a second on 1,000,000 operations).
    return filters.run(pool, tx -> historyPage(tx, WalletSql.listOperationsWalking(filters.sqlWithoutMetadata(),
            filters.metadataSql()), walletId, page.from(), page.to(), cursorAt, cursorId, page.limit(), asset, filters,
            true)
        .compose(walked -> walked.items().size() == page.limit()
            && walked.items().stream().noneMatch(OperationView::credit) ? Future.succeededFuture(walked)
            : tx.query("SET LOCAL enable_indexscan = off").execute().compose(set -> historyPage(tx,
                WalletSql.listOperations(filters.sql()), walletId, page.from(), page.to(), cursorAt, cursorId,
                page.limit(), asset, filters, true))));
  }

  /**
   * The statement's page after {@code after} ({@code null}: from the period's start), oldest first:
   * the rows and the position of the last one, for the next page.
   */
  public Future<OperationPage> statementPage(SqlClient client, UUID walletId, Instant from, Instant to, long[] after,
                                             int limit, Asset asset) {
    OffsetDateTime afterAt = after == null ? EARLIEST : micros(after[0]);
    long afterId = after == null ? Long.MIN_VALUE : after[1];
    return historyPage(client, WalletSql.STATEMENT_PAGE, walletId, from, to, afterAt, afterId, limit, asset,
        new Filters(7), false);
  }

  /**
   * A page of {@code sql} (either direction of the history) past the bound, and the position of its
   * last row. The bound also narrows the period's side it faces ({@code processed_at <= boundAt} going
   * back, {@code >= boundAt} going forward): PostgreSQL starts an index scan at the period's bound
   * only, not at the row comparison's, so without it a page deep in a long history walked every newer
   * row first (190 ms a page 700,000 rows down, a millisecond with it).
   */
  private Future<OperationPage> historyPage(SqlClient client, String sql, UUID walletId, Instant from, Instant to,
                                            OffsetDateTime boundAt, long boundId, int limit, Asset asset,
                                            Filters filters, boolean backwards) {
    OffsetDateTime lower = from == null ? EARLIEST : from.atOffset(ZoneOffset.UTC);
    OffsetDateTime upper = to == null ? LATEST : to.atOffset(ZoneOffset.UTC);
    if (backwards && boundAt.plusNanos(1_000).isBefore(upper)) {
      upper = boundAt.plusNanos(1_000);
    } else if (!backwards && boundAt.isAfter(lower)) {
      lower = boundAt;
    }
    return client.preparedQuery(sql)
        .execute(filters.tuple(walletId, lower, upper, boundAt, boundId, limit))
        .map(rows -> {
          List<OperationView> items = new ArrayList<>(rows.size());
          long[] last = null;
          for (Row row : rows) {
            items.add(toOperation(row, walletId, asset));
            last = new long[] {micros(row.getOffsetDateTime("processed_at")), row.getLong("id")};
          }
          return new OperationPage(items, last);
        });
  }

  private static long micros(OffsetDateTime time) {
    Instant instant = time.toInstant();
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }

  private static OffsetDateTime micros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L)
        .atOffset(ZoneOffset.UTC);
  }

  static WalletSnapshot toSnapshot(Row row) {
    return new WalletSnapshot(row.getUUID("wallet_id"), Money.ofMinor(row.getLong("balance_minor")),
        Money.ofMinor(row.getLong("held_minor")), row.getLong("version"), instant(row.getOffsetDateTime("created_at")),
        instant(row.getOffsetDateTime("updated_at")), asset(row), Money.ofMinor(row.getLong("credit_limit_minor")));
  }

  /**
   * A row as {@code viewer} sees it: the destination's view when it is the TRANSFER's destination.
   * Its amounts are in the viewer's asset (a TRANSFER's two wallets share theirs).
   */
  static OperationView toOperation(Row row, UUID viewer, Asset asset) {
    UUID source = row.getUUID("wallet_id");
    UUID destination = row.getUUID("to_wallet_id");
    boolean credit = destination != null && destination.equals(viewer) && !source.equals(viewer)
        && row.getLong("to_balance_after_minor") != null;
    Long balanceAfter = credit ? row.getLong("to_balance_after_minor") : row.getLong("balance_after_minor");
    return new OperationView(row.getUUID("operation_id"), credit ? destination : source,
        OperationType.valueOf(row.getString("operation_type")), Money.ofMinor(row.getLong("amount_minor")),
        OperationStatus.valueOf(row.getString("status")), Enums.of(FailureReason.class, row.getString("failure_reason")),
        balanceAfter == null ? null : Money.ofMinor(balanceAfter),
        instant(row.getOffsetDateTime("accepted_at")), instant(row.getOffsetDateTime("processed_at")),
        row.getString("requested_by"), credit ? null : destination, credit ? source : null, row.getUUID("hold_id"),
        instant(row.getOffsetDateTime("expires_at")), Enums.of(HoldStatus.class, row.getString("hold_status")), asset,
        row.getUUID("transaction_id"), row.getJsonObject("metadata"));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
