package io.walletplatform.common.webhooks;

import java.util.List;

/** The platform event types of API.md, "Webhooks and the event stream". */
public final class EventTypes {

  public static final String OPERATION_COMPLETED = "wallet.operation.completed";
  public static final String OPERATION_FAILED = "wallet.operation.failed";
  public static final String HOLD_EXPIRED = "wallet.hold.expired";
  public static final String ORDER_FINISHED = "order.finished";
  public static final String ORDER_FAILED = "order.failed";
  public static final String ORDER_REFUNDED = "order.refunded";
  public static final String ACCOUNT_REFUNDED = "account.refunded";
  /**
   * One of the principal's webhooks was disabled (its receiver kept timing out): made by the webhooks
   * service itself for the principal's other webhooks, never on platform.events.
   */
  public static final String WEBHOOK_DISABLED = "webhook.disabled";
  /** A balance monitor's condition turned true after a batch changed its wallet. */
  public static final String MONITOR_TRIGGERED = "wallet.monitor.triggered";

  public static final List<String> ALL = List.of(OPERATION_COMPLETED, OPERATION_FAILED, HOLD_EXPIRED, ORDER_FINISHED,
      ORDER_FAILED, ORDER_REFUNDED, ACCOUNT_REFUNDED, WEBHOOK_DISABLED, MONITOR_TRIGGERED);

  private EventTypes() {
  }
}
