package io.walletplatform.common.config;

/**
 * Redis server ({@code REDIS_URL}) and the prefix every key of this deployment carries.
 * {@code commandTimeout} bounds every command, so a Redis that hangs is treated like one that is down.
 */
public record RedisSettings(String url, String keyPrefix, int maxPoolSize, java.time.Duration commandTimeout) {

  public static final String URL = "REDIS_URL";

  public static RedisSettings from(Config config) {
    return new RedisSettings(
        config.get(URL, "redis://localhost:6379"),
        config.get("REDIS_KEY_PREFIX", "wp:"),
        config.getInt("REDIS_POOL_SIZE", 8, 1, 128),
        config.getMillis("REDIS_COMMAND_TIMEOUT_MS", 1_000, 10, 60_000));
  }
}
