package io.walletplatform.platform;

import io.walletplatform.common.auth.AuthSettings;
import io.walletplatform.common.config.Config;
import io.walletplatform.common.config.HttpSettings;
import io.walletplatform.common.config.PgSettings;
import io.walletplatform.migrations.AuthDatabase;
import io.walletplatform.orders.OrdersSettings;
import io.walletplatform.payments.PaymentsSettings;
import io.walletplatform.wallet.WalletApiSettings;
import io.walletplatform.webhooks.WebhooksSettings;
import io.walletplatform.wallet.WarmUp;
import io.walletplatform.worker.OperationWorkerSettings;

/** The single entry point's port and the settings of every service it runs. */
public record PlatformSettings(HttpSettings http, WalletApiSettings wallet, OperationWorkerSettings worker,
                               PaymentsSettings payments, OrdersSettings orders, AuthSettings auth,
                               PgSettings authPg, WarmUp.Settings warmUp, WebhooksSettings webhooks) {

  public static PlatformSettings from(Config config) {
    return new PlatformSettings(HttpSettings.from(config, "PLATFORM_PORT", 8080), WalletApiSettings.from(config),
        OperationWorkerSettings.from(config), PaymentsSettings.from(config), OrdersSettings.from(config),
        AuthSettings.from(config), AuthDatabase.settings(config), WarmUp.Settings.from(config),
        WebhooksSettings.from(config));
  }
}
