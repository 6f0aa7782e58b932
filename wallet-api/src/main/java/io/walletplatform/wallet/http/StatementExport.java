package io.walletplatform.wallet.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.walletplatform.common.auth.Principal;
import io.walletplatform.common.errors.ProblemException;
import io.walletplatform.common.http.Responses;
import io.walletplatform.common.money.Asset;
import io.walletplatform.wallet.domain.WalletService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code GET /api/v1/wallets/{walletId}/statement}: the period as CSV ({@link StatementCsv}), oldest
 * first, streamed a page at a time. A page is read only once the previous one has left (the
 * response's write queue drained), so the service holds one page whatever the period: a slow client
 * slows the reads instead of filling the heap. A read that fails mid-way resets the connection: the
 * client sees a broken transfer, never a file that merely looks shorter.
 */
final class StatementExport {

  private static final Logger log = LoggerFactory.getLogger(StatementExport.class);
  static final int PAGE = 1_000;

  private final WalletService service;

  StatementExport(WalletService service) {
    this.service = service;
  }

  void handle(RoutingContext ctx) {
    UUID walletId = Responses.pathUuid(ctx, "walletId");
    io.walletplatform.common.http.ListFilters.Period period = io.walletplatform.common.http.ListFilters.period(ctx);
    if (!StatementCsv.acceptable(ctx.request().getHeader(HttpHeaders.ACCEPT))) {
      throw new ProblemException(406, "NOT_ACCEPTABLE", "Not Acceptable",
          "a statement is text/csv: send Accept: text/csv (or none)", List.of(), Map.of());
    }
    service.walletFor(Principal.of(ctx), walletId).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
        return;
      }
      ctx.response().setStatusCode(200).setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"statement-" + walletId + ".csv\"")
          .write(StatementCsv.HEADER);
      page(ctx, walletId, period, found.result().asset(), null);
    });
  }

  private void page(RoutingContext ctx, UUID walletId, io.walletplatform.common.http.ListFilters.Period period, Asset asset, long[] after) {
    service.statementPage(walletId, period.from(), period.to(), after, PAGE, asset).onComplete(read -> {
      HttpServerResponse response = ctx.response();
      if (response.closed()) {
        return; // the client went away: nothing more to read
      }
      if (read.failed()) {
        log.warn("statement of wallet {} broken off: {}", walletId, read.cause().getMessage());
        response.reset();
        return;
      }
      var page = read.result();
      Buffer chunk = Buffer.buffer(page.items().size() * 200);
      page.items().forEach(operation -> StatementCsv.append(chunk, operation));
      if (page.items().size() < PAGE) {
        response.end(chunk);
        return;
      }
      response.write(chunk);
      if (response.writeQueueFull()) {
        response.drainHandler(drained -> page(ctx, walletId, period, asset, page.last()));
      } else {
        page(ctx, walletId, period, asset, page.last());
      }
    });
  }
}
