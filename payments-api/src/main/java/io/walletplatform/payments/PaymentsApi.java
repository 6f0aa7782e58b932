package io.walletplatform.payments;

import io.walletplatform.common.ops.ApiModule;
import io.walletplatform.common.ops.PgApiModule;
import io.walletplatform.payments.db.AccountRepository;
import io.walletplatform.payments.domain.AccountsService;
import io.walletplatform.payments.http.PaymentsHandlers;

/** The payments API's routes, for a standalone server or the single entry point. */
public final class PaymentsApi {

  private PaymentsApi() {
  }

  public static ApiModule.Factory factory(PaymentsSettings settings) {
    return PgApiModule.factory("payments-api", settings.pg(), settings.kafka(), settings.http(),
        pool -> new PaymentsHandlers(new AccountsService(pool, new AccountRepository())).byOperationId());
  }
}
