package io.walletplatform.common.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration lookup, loaded once at start and passed explicitly.
 * A name resolves, first match wins: an explicit override, a JVM system property, an environment
 * variable, then the caller's default. Names are upper-case environment style ({@code PG_URL}).
 */
public final class Config {

  private final Map<String, String> overrides;
  private final boolean readEnvironment;

  private Config(Map<String, String> overrides, boolean readEnvironment) {
    this.overrides = Map.copyOf(overrides);
    this.readEnvironment = readEnvironment;
  }

  public static Config fromEnvironment() {
    return new Config(Map.of(), true);
  }

  /** A configuration that reads only the given values: for tests that must not see the machine's environment. */
  public static Config of(Map<String, String> values) {
    return new Config(values, false);
  }

  public Config with(String name, String value) {
    Map<String, String> copy = new HashMap<>(overrides);
    copy.put(name, value);
    return new Config(copy, readEnvironment);
  }

  public Config withAll(Map<String, String> values) {
    Map<String, String> copy = new HashMap<>(overrides);
    copy.putAll(values);
    return new Config(copy, readEnvironment);
  }

  /** The values set on this configuration itself (not the environment's): to hand to a child process. */
  public Map<String, String> values() {
    return overrides;
  }

  public Optional<String> find(String name) {
    String value = overrides.get(name);
    if (value == null && readEnvironment) {
      value = System.getProperty(name);
      if (value == null) {
        value = System.getenv(name);
      }
    }
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(value.trim());
  }

  public String get(String name, String defaultValue) {
    return find(name).orElse(defaultValue);
  }

  public int getInt(String name, int defaultValue, int min, int max) {
    int value = find(name).map(text -> parse(name, text, Integer::parseInt)).orElse(defaultValue);
    return checkRange(name, value, min, max);
  }

  public long getLong(String name, long defaultValue, long min, long max) {
    long value = find(name).map(text -> parse(name, text, Long::parseLong)).orElse(defaultValue);
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  public Duration getMillis(String name, long defaultMs, long minMs, long maxMs) {
    return Duration.ofMillis(getLong(name, defaultMs, minMs, maxMs));
  }

  public boolean getBoolean(String name, boolean defaultValue) {
    return find(name).map(text -> switch (text.toLowerCase()) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, got " + text);
    }).orElse(defaultValue);
  }

  private static int checkRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  private static <T> T parse(String name, String text, java.util.function.Function<String, T> parser) {
    try {
      return parser.apply(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got " + text, e);
    }
  }
}
