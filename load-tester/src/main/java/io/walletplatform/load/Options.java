package io.walletplatform.load;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options with typed, range-checked getters. */
final class Options {

  private final Map<String, String> values = new HashMap<>();

  Options(String[] args, int from) {
    for (int i = from; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + arg);
      }
      String name = arg.substring(2);
      if (name.contains("=")) {
        values.put(name.substring(0, name.indexOf('=')), name.substring(name.indexOf('=') + 1));
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        values.put(name, args[++i]);
      } else {
        values.put(name, "true");
      }
    }
  }

  String text(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }

  int integer(String name, int defaultValue, int min, int max) {
    int value = values.containsKey(name) ? Integer.parseInt(values.get(name)) : defaultValue;
    if (value < min || value > max) {
      throw new IllegalArgumentException("--" + name + " must be between " + min + " and " + max);
    }
    return value;
  }

  double fraction(String name, double defaultValue) {
    double value = values.containsKey(name) ? Double.parseDouble(values.get(name)) : defaultValue;
    if (value < 0 || value > 1) {
      throw new IllegalArgumentException("--" + name + " must be between 0 and 1");
    }
    return value;
  }

  /** An amount in currency units ("12.50") as minor units; never through floating point. */
  long amountMinor(String name, String defaultValue) {
    return new java.math.BigDecimal(text(name, defaultValue)).movePointRight(2).longValueExact();
  }

  /** "60s", "500ms", "2m", or plain seconds. */
  Duration duration(String name, String defaultValue) {
    String text = text(name, defaultValue).trim();
    if (text.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    }
    if (text.endsWith("s")) {
      return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
    }
    if (text.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
    }
    return Duration.ofSeconds(Long.parseLong(text));
  }

  boolean has(String name) {
    return values.containsKey(name);
  }
}
