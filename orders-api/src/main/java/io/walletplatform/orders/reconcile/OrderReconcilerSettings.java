package io.walletplatform.orders.reconcile;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.PgSettings;

import java.time.Duration;

/**
 * How NEW orders are re-driven.
 *
 * @param interval       how often the reconciler looks
 * @param resendAfter    a NEW order whose payment was requested this long ago is requested again
 * @param paymentTimeout a NEW order this old is cancelled instead (FAILED / PAYMENT_TIMEOUT once payments agrees)
 * @param batchSize      orders re-driven per round
 */
public record OrderReconcilerSettings(PgSettings pg, String requestsTopic, Duration interval, Duration resendAfter,
                                      Duration paymentTimeout, int batchSize) {

  public static OrderReconcilerSettings from(Config config, PgSettings pg, String requestsTopic) {
    return new OrderReconcilerSettings(pg, requestsTopic,
        config.getMillis("ORDERS_RECONCILE_INTERVAL_MS", 5_000, 100, 600_000),
        config.getMillis("ORDERS_PAYMENT_RESEND_AFTER_MS", 30_000, 100, 3_600_000),
        config.getMillis("ORDERS_PAYMENT_TIMEOUT_MS", 300_000, 200, 86_400_000),
        config.getInt("ORDERS_RECONCILE_BATCH", 500, 1, 10_000));
  }
}
