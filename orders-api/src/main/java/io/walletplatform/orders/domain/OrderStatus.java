package io.walletplatform.orders.domain;

/**
 * An order's state: NEW until its payment's result arrives, then FINISHED or FAILED for good; a
 * FINISHED order refunded becomes REFUNDED. Written by its name in SQL and JSON.
 */
public enum OrderStatus {
  NEW, FINISHED, FAILED, REFUNDED
}
