package io.walletplatform.common.ops;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Properties;

/**
 * Swagger UI at {@code /swagger/}: the webjar's files, our static page ({@code swagger-page/}:
 * the page and its script, with the development sign-in form), and {@code /swagger/config.json},
 * the one thing that differs between processes: which contracts they publish and whether they
 * issue development tokens.
 */
final class SwaggerUi {

  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/" + webjarVersion() + "/";

  private SwaggerUi() {
  }

  static void mount(Router router, Collection<String> contracts, boolean devIssuer) {
    JsonArray urls = new JsonArray();
    contracts.forEach(name -> urls.add(new JsonObject().put("url", "/openapi/" + name + ".yaml").put("name", name)));
    String config = new JsonObject().put("urls", urls).put("devIssuer", devIssuer).encode();
    ClasspathAssets page = new ClasspathAssets("/swagger/", "swagger-page/", List.of("index.html", "platform.js"));
    // Vert.x matches "/swagger" for "/swagger/" too: tell them apart by the path itself.
    router.get("/swagger").handler(ctx -> {
      if (ctx.request().path().endsWith("/")) {
        page.handle(ctx);
      } else {
        ctx.redirect("/swagger/");
      }
    });
    router.get("/swagger/index.html").handler(ctx -> ctx.redirect("/swagger/"));
    router.get("/swagger/config.json").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(config));
    router.get("/swagger/platform.js").handler(page);
    router.get("/swagger/*").handler(new ClasspathAssets("/swagger/", WEBJAR, List.of("swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js", "swagger-ui.css", "favicon-32x32.png", "favicon-16x16.png")));
  }

  private static String webjarVersion() {
    try (InputStream in = SwaggerUi.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the swagger-ui webjar is not on the classpath");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
