package io.walletplatform.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A run's figures and discrepancies, written as JSON and as an HTML page with charts. */
final class Report {

  private static final int MAX_LISTED_DISCREPANCIES = 1_000;

  private final JsonObject json = new JsonObject();
  private final List<String> discrepancies = new ArrayList<>();
  private long discrepancyCount;
  private OpenLoop loop;

  Report(String scenario, Map<String, Object> parameters) {
    json.put("scenario", scenario).put("startedAt", Instant.now().toString()).put("parameters", new JsonObject(parameters));
  }

  void load(OpenLoop loop, String latencyName) {
    this.loop = loop;
    double seconds = loop.measuredNanos / 1e9;
    json.put("offered", loop.offered).put("accepted", loop.accepted)
        .put("acceptedPerSecond", round(loop.measuredAccepted / seconds))
        .put("errorsByCode", new JsonObject(new java.util.LinkedHashMap<>(loop.errorsByCode)));
    histogramMicros(latencyName + "Latency", loop.latencyMicros);
  }

  void metric(String name, Object value) {
    json.put(name, value instanceof Double d ? round(d) : value);
  }

  void histogramMicros(String name, Histogram histogram) {
    json.put(name + "Ms", percentiles(histogram, 1_000.0));
  }

  void histogramMillis(String name, Histogram histogram) {
    json.put(name + "Ms", percentiles(histogram, 1.0));
  }

  private static JsonObject percentiles(Histogram histogram, double perMillisecond) {
    JsonObject result = new JsonObject().put("count", histogram.getTotalCount());
    if (histogram.getTotalCount() == 0) {
      return result;
    }
    for (double p : new double[] {50, 90, 99, 99.9}) {
      result.put("p" + (p == 99.9 ? "99.9" : Integer.toString((int) p)), round(histogram.getValueAtPercentile(p) / perMillisecond));
    }
    return result.put("max", round(histogram.getMaxValue() / perMillisecond));
  }

  synchronized void discrepancy(String text) {
    discrepancyCount++;
    if (discrepancies.size() < MAX_LISTED_DISCREPANCIES) {
      discrepancies.add(text);
    }
  }

  boolean clean() {
    return discrepancyCount == 0;
  }

  JsonObject toJson() {
    return json.copy().put("auditClean", clean()).put("discrepancyCount", discrepancyCount)
        .put("discrepancies", new JsonArray(new ArrayList<>(discrepancies))).put("timeline", timeline());
  }

  private JsonArray timeline() {
    JsonArray timeline = new JsonArray();
    if (loop == null) {
      return timeline;
    }
    loop.seconds.forEach((second, s) -> timeline.add(new JsonObject().put("second", second).put("offered", s.offered)
        .put("accepted", s.accepted).put("errors", s.errors)
        .put("p50Ms", round(s.latency.getValueAtPercentile(50) / 1000.0))
        .put("p99Ms", round(s.latency.getValueAtPercentile(99) / 1000.0))));
    return timeline;
  }

  void write(Path directory) throws IOException {
    Files.createDirectories(directory);
    JsonObject result = toJson();
    Files.writeString(directory.resolve("result.json"), result.encodePrettily(), StandardCharsets.UTF_8);
    Files.writeString(directory.resolve("report.html"), html(result), StandardCharsets.UTF_8);
  }

  private static String html(JsonObject result) {
    JsonArray timeline = result.getJsonArray("timeline");
    StringBuilder page = new StringBuilder("""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Load test</title>
        <style>body{font:14px system-ui,sans-serif;margin:24px;color:#1d2433}pre{background:#f5f7fa;padding:12px}
        .ok{color:#067647}.bad{color:#b42318}svg{background:#fff;border:1px solid #d8dde6;margin:8px 0}</style></head><body>
        """);
    page.append("<h1>Load test: ").append(result.getString("scenario")).append("</h1>");
    page.append(result.getBoolean("auditClean") ? "<p class=ok>Audit clean.</p>"
        : "<p class=bad>Audit failed: " + result.getLong("discrepancyCount") + " discrepancies.</p>");
    page.append("<h2>Throughput per second</h2>")
        .append(chart(timeline, List.of("offered", "accepted", "errors"), List.of("#2457c5", "#067647", "#b42318"), "requests/s"));
    page.append("<h2>Latency per second (from the intended send time)</h2>")
        .append(chart(timeline, List.of("p50Ms", "p99Ms"), List.of("#2457c5", "#9a6700"), "ms"));
    JsonObject summary = result.copy();
    summary.remove("timeline");
    page.append("<h2>Result</h2><pre>").append(escape(summary.encodePrettily())).append("</pre></body></html>");
    return page.toString();
  }

  private static String chart(JsonArray timeline, List<String> series, List<String> colors, String unit) {
    int width = 900;
    int height = 260;
    int pad = 40;
    double max = 1;
    for (Object point : timeline) {
      for (String name : series) {
        max = Math.max(max, ((JsonObject) point).getDouble(name, 0.0));
      }
    }
    StringBuilder svg = new StringBuilder("<svg width=\"" + width + "\" height=\"" + height + "\" role=\"img\">");
    svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"14\" font-size=\"11\">%.1f %s</text>", max, unit));
    int n = Math.max(1, timeline.size() - 1);
    for (int s = 0; s < series.size(); s++) {
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < timeline.size(); i++) {
        double value = timeline.getJsonObject(i).getDouble(series.get(s), 0.0);
        double x = pad + (width - 2.0 * pad) * i / n;
        double y = height - pad - (height - 2.0 * pad) * value / max;
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colors.get(s)).append("\" points=\"")
          .append(points).append("\"/>");
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">%s</text>",
          pad + s * 120, height - 8, colors.get(s), series.get(s)));
    }
    return svg.append("</svg>").toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;");
  }

  private static double round(double value) {
    return Math.round(value * 100.0) / 100.0;
  }
}
