package io.walletplatform.wallet.domain;

import io.vertx.core.json.JsonObject;
import io.walletplatform.common.errors.FieldError;
import io.walletplatform.common.errors.DomainError;
import io.walletplatform.common.money.Asset;
import io.walletplatform.common.money.Money;
import io.walletplatform.common.wallet.WalletOperationEvent.OperationType;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * An operation as submitted, checked: {@code toWalletId} only for a TRANSFER (never the wallet
 * itself), {@code holdId} only for a CAPTURE or VOID, {@code expiresAt} only for a HOLD (always set:
 * the default is applied before), a VOID's amount zero. The amount is the decimal sent: how many
 * fractional digits it may have depends on the wallet's asset, known once the wallet is found.
 * {@code metadata} is what the client attached ({@code null}: none).
 */
public record OperationRequest(UUID walletId, OperationType type, BigDecimal amount, UUID toWalletId, UUID holdId,
                               Instant expiresAt, JsonObject metadata) {

  public OperationRequest(UUID walletId, OperationType type, BigDecimal amount, UUID toWalletId, UUID holdId,
                          Instant expiresAt) {
    this(walletId, type, amount, toWalletId, holdId, expiresAt, null);
  }

  public OperationRequest withMetadata(JsonObject attached) {
    return new OperationRequest(walletId, type, amount, toWalletId, holdId, expiresAt, attached);
  }

  public static OperationRequest of(UUID walletId, OperationType type, BigDecimal amount) {
    return new OperationRequest(walletId, type, amount, null, null, null);
  }

  /** The amount in the asset's units; 422 AMOUNT_PRECISION when it has more fractional digits than the asset. */
  public Money amountIn(Asset asset) {
    return exact(amount, asset, "amount");
  }

  /** The decimal in the asset's units; 422 AMOUNT_PRECISION when it has more fractional digits than the asset. */
  public static Money exact(BigDecimal value, Asset asset, String field) {
    if (!asset.fits(value)) {
      throw DomainError.unprocessable("AMOUNT_PRECISION", field + " has more fractional digits than " + asset.code()
          + " allows (" + asset.precision() + ")",
          new FieldError(field, "must have at most " + asset.precision() + " fractional digits for " + asset.code()));
    }
    return asset.amount(value);
  }
}
