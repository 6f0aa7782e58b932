package io.walletplatform.orders;

import io.walletplatform.common.ops.ApiModule;
import io.walletplatform.common.ops.PgApiModule;
import io.walletplatform.orders.db.OrderRepository;
import io.walletplatform.orders.domain.OrdersService;
import io.walletplatform.orders.http.OrdersHandlers;

/** The orders API's routes, for a standalone server or the single entry point. */
public final class OrdersApi {

  private OrdersApi() {
  }

  public static ApiModule.Factory factory(OrdersSettings settings) {
    return PgApiModule.factory("orders-api", settings.pg(), settings.kafka(), settings.http(),
        pool -> new OrdersHandlers(new OrdersService(pool, new OrderRepository(), settings.requestsTopic())).byOperationId(),
        OrdersHandlers.CHECKED_BY_HANDLER);
  }
}
