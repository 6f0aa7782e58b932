package io.walletplatform.common.wallet;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The postings of a transaction as wallet-api stores them and operation-worker applies them, and
 * the ids derived from a transaction: every process and every retry derives the same ones, which
 * is what makes each step of a transaction idempotent.
 */
public final class Postings {

  /** One amount from one wallet to another, in the debited wallet's asset. */
  public record Posting(UUID from, UUID to, Money amount, Asset asset) {

    JsonObject toStored() {
      return new JsonObject().put("from", from.toString()).put("to", to.toString()).put("amountMinor", amount.minor())
          .put("asset", asset.code()).put("precision", asset.precision());
    }

    static Posting fromStored(JsonObject json) {
      return new Posting(UUID.fromString(json.getString("from")), UUID.fromString(json.getString("to")),
          Money.ofMinor(json.getLong("amountMinor")), new Asset(json.getString("asset"), json.getInteger("precision")));
    }

    /** As the API answers it. */
    public JsonObject toJson() {
      return new JsonObject().put("from", from.toString()).put("to", to.toString()).put("asset", asset.code())
          .put("amount", asset.decimal(amount));
    }
  }

  private Postings() {
  }

  /** The HOLD that reserves the wallet's total debit of the transaction (its operationId and holdId). */
  public static UUID reservationId(UUID transactionId, UUID walletId) {
    return UUID.nameUUIDFromBytes(("transaction-reservation:" + transactionId + ":" + walletId)
        .getBytes(StandardCharsets.US_ASCII));
  }

  /** The operation row of the transaction's posting at {@code index}. */
  public static UUID postingId(UUID transactionId, int index) {
    return UUID.nameUUIDFromBytes(("transaction-posting:" + transactionId + ":" + index)
        .getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * How long a reservation lives: past it the platform releases it like any hold, and a transaction
   * still waiting to settle then fails (RESERVATION_LOST) rather than move money reserved long ago.
   */
  public static final java.time.Duration RESERVATION_TTL = java.time.Duration.ofDays(1);

  /** The HOLD that reserves {@code amount} of the wallet for the transaction, the same from every process. */
  public static WalletOperationEvent reservation(UUID transactionId, UUID walletId, Money amount,
                                                 java.time.Instant acceptedAt, String requestedBy) {
    return new WalletOperationEvent(reservationId(transactionId, walletId), walletId,
        WalletOperationEvent.OperationType.HOLD, amount, acceptedAt, requestedBy, null, null,
        acceptedAt.plus(RESERVATION_TTL), false, null);
  }

  /** Each debited wallet's total debit, in the order the wallets first appear. */
  public static Map<UUID, Money> debits(List<Posting> postings) {
    Map<UUID, Money> debits = new LinkedHashMap<>();
    for (Posting posting : postings) {
      debits.merge(posting.from(), posting.amount(), Money::plus);
    }
    return debits;
  }

  /** The postings as stored (a jsonb array: pass it as a JsonArray, which the client sends as JSON, not as a string). */
  public static JsonArray toStored(List<Posting> postings) {
    JsonArray array = new JsonArray();
    postings.forEach(posting -> array.add(posting.toStored()));
    return array;
  }

  public static List<Posting> decode(String stored) {
    JsonArray array = new JsonArray(stored);
    List<Posting> postings = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      postings.add(Posting.fromStored(array.getJsonObject(i)));
    }
    return postings;
  }
}
