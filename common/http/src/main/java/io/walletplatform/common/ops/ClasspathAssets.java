package io.walletplatform.common.ops;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fixed set of static files from the classpath, read once and served from memory. Vert.x's
 * StaticHandler, serving classpath resources through its file cache, answered 404 now and then
 * under several verticle instances; a few small known files need none of that machinery.
 */
public final class ClasspathAssets implements Handler<RoutingContext> {

  private static final Map<String, Buffer> LOADED = new ConcurrentHashMap<>();
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "png", "image/png",
      "json", "application/json");

  private final String mountPath;
  private final Map<String, Buffer> files = new ConcurrentHashMap<>();

  /**
   * @param mountPath the URL prefix the files are served under, ending with {@code /}
   * @param root      the classpath folder, ending with {@code /}
   * @param names     the files to serve; {@code index.html} also answers the bare prefix
   */
  public ClasspathAssets(String mountPath, String root, List<String> names) {
    this.mountPath = mountPath;
    for (String name : names) {
      files.put(name, LOADED.computeIfAbsent(root + name, ClasspathAssets::read));
    }
  }

  static Buffer read(String resource) {
    try (InputStream in = ClasspathAssets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    String name = path.length() <= mountPath.length() ? "index.html" : path.substring(mountPath.length());
    Buffer content = files.get(name);
    if (content == null) {
      ctx.next();
      return;
    }
    String extension = name.substring(name.lastIndexOf('.') + 1);
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, TYPES.getOrDefault(extension, "application/octet-stream"))
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .end(content);
  }
}
