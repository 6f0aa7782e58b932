package io.walletplatform.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's figures and discrepancies, written as {@code result.json} and as {@code report.html}: a
 * summary table (throughput, latency percentiles, CPU per request for the machine and per process,
 * the audit's verdict) and charts over time drawn by uPlot, which the page carries inline (it opens
 * offline, no CDN).
 */
final class Report {

  private static final int MAX_LISTED_DISCREPANCIES = 1_000;
  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

  private final JsonObject json = new JsonObject();
  private final List<String> discrepancies = new ArrayList<>();
  private long discrepancyCount;
  private boolean audited = true;
  private LoadLoop loop;

  Report(String scenario, Map<String, Object> parameters) {
    json.put("scenario", scenario).put("startedAt", Instant.now().toString()).put("parameters", new JsonObject(parameters));
  }

  void load(LoadLoop loop, String latencyName) {
    this.loop = loop;
    double seconds = loop.measuredNanos / 1e9;
    json.put("model", loop.model.name().toLowerCase(Locale.ROOT));
    if (loop.model == LoadLoop.Model.CLOSED) {
      json.put("connections", loop.connections);
    } else {
      json.put("offeredPerSecond", round(loop.rate));
    }
    json.put("offered", loop.offered).put("accepted", loop.accepted)
        .put("acceptedPerSecond", round(loop.measuredAccepted / seconds))
        .put("errorsByCode", new JsonObject(new LinkedHashMap<>(loop.errorsByCode)));
    histogramMicros(latencyName + "Latency", loop.latencyMicros);
    json.put("latencyName", latencyName);
    if (loop.windowStart != null && loop.windowEnd != null && loop.windowAnswered > 0) {
      json.put("cpu", cpu(loop.windowStart, loop.windowEnd, loop.windowAnswered));
    }
  }

  /**
   * CPU per request over the measured window: the machine's, and each process's (largest first),
   * in microseconds, with the cores it kept busy on average.
   */
  static JsonObject cpu(CpuSample start, CpuSample end, long requests) {
    double window = (end.nanos() - start.nanos()) / 1e9;
    JsonObject processes = new JsonObject();
    Map<String, Double> used = end.processSecondsSince(start);
    used.forEach((name, seconds) -> processes.put(name, new JsonObject()
        .put("microsPerRequest", round(seconds * 1e6 / requests)).put("cores", round(seconds / window))));
    // The machine: every process together, kernel threads included (see CpuSample).
    double machine = used.values().stream().mapToDouble(Double::doubleValue).sum();
    return new JsonObject().put("windowSeconds", round(window)).put("requests", requests)
        .put("machineMicrosPerRequest", round(machine * 1e6 / requests)).put("machineCores", round(machine / window))
        .put("processes", processes);
  }

  /** This run checks nothing beyond the answers' statuses (the http scenario). */
  void noAudit() {
    audited = false;
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
    return json.copy().put("audited", audited).put("auditClean", clean()).put("discrepancyCount", discrepancyCount)
        .put("discrepancies", new JsonArray(new ArrayList<>(discrepancies))).put("timeline", timeline());
  }

  private JsonArray timeline() {
    JsonArray timeline = new JsonArray();
    if (loop == null) {
      return timeline;
    }
    for (int i = 0; i < loop.seconds.size(); i++) {
      LoadLoop.Second s = loop.seconds.get(i);
      boolean any = s.latency.getTotalCount() > 0;
      timeline.add(new JsonObject().put("second", i).put("offered", s.offered)
          .put("accepted", s.accepted).put("errors", s.errors)
          .put("p50Ms", any ? round(s.latency.getValueAtPercentile(50) / 1000.0) : null)
          .put("p99Ms", any ? round(s.latency.getValueAtPercentile(99) / 1000.0) : null)
          .put("maxMs", any ? round(s.latency.getMaxValue() / 1000.0) : null));
    }
    return timeline;
  }

  /** Writes result.json and report.html; returns what result.json holds. */
  JsonObject write(Path directory) throws IOException {
    Files.createDirectories(directory);
    JsonObject result = toJson();
    Files.writeString(directory.resolve("result.json"), result.encodePrettily(), StandardCharsets.UTF_8);
    Files.writeString(directory.resolve("report.html"), html(result), StandardCharsets.UTF_8);
    return result;
  }

  static String html(JsonObject result) {
    String latencyName = result.getString("latencyName", "accept");
    StringBuilder page = new StringBuilder("""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Load test</title>
        <style>""").append(resource("uPlot.min.css")).append("""
        body{font:14px system-ui,sans-serif;margin:24px;color:#1d2433;max-width:1000px}
        table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #d8dde6;padding:4px 10px;text-align:left}
        th{background:#f5f7fa;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
        pre{background:#f5f7fa;padding:12px;overflow:auto}.ok{color:#067647}.bad{color:#b42318}.chart{margin:8px 0 24px}
        </style></head><body>
        """);
    page.append("<h1>Load test: ").append(escape(result.getString("scenario"))).append("</h1>");
    page.append("<p>Started ").append(escape(result.getString("startedAt"))).append(", ")
        .append("closed".equals(result.getString("model"))
            ? "closed model: " + result.getInteger("connections") + " connections, each sending when answered"
            : "open model: " + number(result.getDouble("offeredPerSecond")) + " requests/s on a fixed schedule, latency from the intended send time")
        .append(".</p>");
    page.append(!result.getBoolean("audited", true) ? "<p>No audit: this scenario only counts the answers' statuses.</p>"
        : result.getBoolean("auditClean") ? "<p class=ok><b>Audit clean.</b></p>"
        : "<p class=bad><b>Audit failed: " + result.getLong("discrepancyCount") + " discrepancies.</b></p>");

    page.append("<h2>Summary</h2><table>");
    JsonObject parameters = result.getJsonObject("parameters", new JsonObject());
    if (parameters.containsKey("warmUpSeconds")) {
      row(page, "Measured", parameters.getValue("durationSeconds") + " s, after a warm-up of "
          + parameters.getValue("warmUpSeconds") + " s (sent, not measured)");
    }
    row(page, "Offered", result.containsKey("offeredPerSecond") ? number(result.getDouble("offeredPerSecond")) + " /s" : "as fast as answered");
    row(page, "Accepted (measured part)", number(result.getDouble("acceptedPerSecond")) + " /s");
    if (result.containsKey("appliedPerSecond")) {
      row(page, "Applied in the measured window", number(result.getDouble("appliedPerSecond")) + " /s");
    }
    if (result.containsKey("settledPerSecond")) {
      row(page, "Settled in the measured window", number(result.getDouble("settledPerSecond")) + " /s");
    }
    row(page, "Requests sent / accepted", result.getLong("offered") + " / " + result.getLong("accepted"));
    JsonObject errors = result.getJsonObject("errorsByCode", new JsonObject());
    row(page, "Errors", errors.isEmpty() ? "none" : escape(errors.encode()));
    page.append("</table>");

    page.append("<h3>Latency (ms)</h3><table><tr><th></th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>");
    for (String name : List.of(latencyName + "LatencyMs", "acceptToAppliedMs", "createToFinalMs")) {
      JsonObject h = result.getJsonObject(name);
      if (h != null) {
        page.append("<tr><th>").append(escape(name.replace("Ms", ""))).append("</th>");
        for (String p : List.of("count", "p50", "p90", "p99", "p99.9", "max")) {
          Object value = h.getValue(p);
          page.append("<td class=n>").append(value == null ? "" : escape(value.toString())).append("</td>");
        }
        page.append("</tr>");
      }
    }
    page.append("</table>");

    JsonObject cpu = result.getJsonObject("cpu");
    if (cpu != null) {
      page.append("<h3>CPU per request</h3><p>Over the measured window (").append(number(cpu.getDouble("windowSeconds")))
          .append(" s, ").append(cpu.getLong("requests")).append(" requests answered), from /proc.</p>")
          .append("<table><tr><th></th><th>µs per request</th><th>cores busy</th></tr>")
          .append("<tr><th>whole machine</th><td class=n>").append(number(cpu.getDouble("machineMicrosPerRequest")))
          .append("</td><td class=n>").append(number(cpu.getDouble("machineCores"))).append("</td></tr>");
      JsonObject processes = cpu.getJsonObject("processes");
      for (String name : processes.fieldNames()) {
        JsonObject process = processes.getJsonObject(name);
        if (process.getDouble("microsPerRequest") >= 0.5) {
          page.append("<tr><td>").append(escape(name)).append("</td><td class=n>").append(number(process.getDouble("microsPerRequest")))
              .append("</td><td class=n>").append(number(process.getDouble("cores"))).append("</td></tr>");
        }
      }
      page.append("</table>");
    }

    JsonArray timeline = result.getJsonArray("timeline");
    page.append("<h2>Throughput per second</h2><div class=chart id=throughput></div>");
    page.append("<h2>Latency per second (").append(escape(latencyName)).append(", answered requests)</h2>")
        .append("<div class=chart id=latency></div>");
    if (result.getLong("discrepancyCount") > 0) {
      page.append("<h2>Discrepancies</h2><ul>");
      result.getJsonArray("discrepancies").stream().limit(50)
          .forEach(d -> page.append("<li>").append(escape(d.toString())).append("</li>"));
      page.append("</ul>");
    }
    JsonObject raw = result.copy();
    raw.remove("timeline");
    page.append("<details><summary>Parameters and every figure (result.json)</summary><pre>")
        .append(escape(raw.encodePrettily())).append("</pre></details>");

    page.append("<script>").append(resource("uPlot.iife.min.js").replace("</", "<\\/")).append("</script>");
    page.append("<script>\nconst t = ").append(series(timeline, "second")).append(";\n")
        .append("const d = {offered: ").append(series(timeline, "offered")).append(", accepted: ")
        .append(series(timeline, "accepted")).append(", errors: ").append(series(timeline, "errors"))
        .append(", p50: ").append(series(timeline, "p50Ms")).append(", p99: ").append(series(timeline, "p99Ms"))
        .append(", max: ").append(series(timeline, "maxMs")).append("};\n")
        .append("""
            const width = Math.min(960, document.body.clientWidth);
            const x = {label: "seconds since the start (warm-up included)"};
            function chart(id, unit, series, data, log) {
              new uPlot({width, height: 300, scales: {x: {time: false}, y: log ? {distr: 3} : {}},
                series: [{label: "second"}].concat(series), axes: [x, {label: unit, size: 70}]},
                [t].concat(data), document.getElementById(id));
            }
            chart("throughput", "requests per second", [
              {label: "offered", stroke: "#2457c5", width: 2, dash: [8, 6]},
              {label: "accepted", stroke: "#067647", width: 1.5},
              {label: "errors", stroke: "#b42318", width: 1.5}], [d.offered, d.accepted, d.errors]);
            chart("latency", "milliseconds (log scale)", [
              {label: "p50", stroke: "#2457c5", width: 1.5},
              {label: "p99", stroke: "#9a6700", width: 1.5},
              {label: "max", stroke: "#b42318", width: 1, dash: [4, 4]}], [d.p50, d.p99, d.max], true);
            </script></body></html>
            """);
    return page.toString();
  }

  private static String series(JsonArray timeline, String field) {
    JsonArray values = new JsonArray();
    timeline.forEach(point -> values.add(((JsonObject) point).getValue(field)));
    return values.encode();
  }

  private static void row(StringBuilder page, String name, String value) {
    page.append("<tr><th>").append(name).append("</th><td>").append(value).append("</td></tr>");
  }

  private static String number(Double value) {
    return value == null ? "" : String.format(Locale.ROOT, value >= 100 ? "%,.0f" : "%,.1f", value);
  }

  private static String resource(String name) {
    try (InputStream in = Report.class.getClassLoader().getResourceAsStream(UPLOT + name)) {
      if (in == null) {
        throw new IllegalStateException(UPLOT + name + " is missing from the classpath (webjar org.webjars.npm:uplot)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static double round(double value) {
    return Math.round(value * 100.0) / 100.0;
  }
}
