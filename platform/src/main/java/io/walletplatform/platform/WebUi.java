package io.walletplatform.platform;

import io.walletplatform.common.ops.ClasspathAssets;
import io.walletplatform.common.ops.HttpFront;

import java.util.List;
import java.util.function.Consumer;

/** The web UI at {@code /}, served from the jar after every API route. */
final class WebUi {

  private WebUi() {
  }

  static Consumer<HttpFront> addTo() {
    return front -> front.after(router -> router.get("/*").handler(
        new ClasspathAssets("/", "webroot/", List.of("index.html", "app.js", "style.css"))));
  }
}
