package io.walletplatform.wallet.http;

import io.walletplatform.common.util.Enums;
import io.walletplatform.common.wallet.FailureReason;
import io.vertx.core.buffer.Buffer;
import io.walletplatform.common.json.Timestamps;
import io.walletplatform.common.wallet.OperationView;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A wallet's statement as RFC 4180 CSV: UTF-8, CRLF line ends, a header row, a field quoted (its
 * quotes doubled) only when it holds a comma, a quote or a line end. The columns are an Operation's
 * as the wallet sees it; amounts are exact decimals with the asset's digits.
 */
final class StatementCsv {

  static final String HEADER = "operationId,operationType,status,failureReason,asset,amount,balanceAfter,"
      + "fromWalletId,toWalletId,transactionId,holdId,requestedBy,acceptedAt,processedAt\r\n";

  private StatementCsv() {
  }

  /** Whether an Accept header admits {@code text/csv} (absent: anything does). */
  static boolean acceptable(String accept) {
    if (accept == null || accept.isBlank()) {
      return true;
    }
    for (String range : accept.split(",")) {
      String type = range.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
      if (type.equals("text/csv") || type.equals("text/*") || type.equals("*/*")) {
        return true;
      }
    }
    return false;
  }

  static void append(Buffer out, OperationView operation) {
    StringBuilder row = new StringBuilder(256);
    field(row, operation.operationId());
    field(row, operation.operationType().name());
    field(row, operation.status().name());
    field(row, Enums.name(operation.failureReason()));
    field(row, operation.asset().code());
    field(row, operation.asset().decimal(operation.amount()).toPlainString());
    field(row, operation.balanceAfter() == null ? null : operation.asset().decimal(operation.balanceAfter()).toPlainString());
    field(row, operation.fromWalletId());
    field(row, operation.toWalletId());
    field(row, operation.transactionId());
    field(row, operation.holdId());
    field(row, operation.requestedBy());
    field(row, operation.acceptedAt() == null ? null : Timestamps.format(operation.acceptedAt()));
    field(row, operation.processedAt() == null ? null : Timestamps.format(operation.processedAt()));
    row.setLength(row.length() - 1);
    row.append("\r\n");
    out.appendString(row.toString(), StandardCharsets.UTF_8.name());
  }

  private static void field(StringBuilder row, UUID value) {
    field(row, value == null ? null : value.toString());
  }

  private static void field(StringBuilder row, String value) {
    if (value != null) {
      boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
          || value.indexOf('\r') >= 0;
      if (quote) {
        row.append('"').append(value.replace("\"", "\"\"")).append('"');
      } else {
        row.append(value);
      }
    }
    row.append(',');
  }
}
