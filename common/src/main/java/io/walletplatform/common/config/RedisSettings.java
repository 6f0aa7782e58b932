package io.walletplatform.common.config;

/** Redis server ({@code REDIS_URL}) and the prefix every key of this deployment carries. */
public record RedisSettings(String url, String keyPrefix, int maxPoolSize) {

  public static final String URL = "REDIS_URL";

  public static RedisSettings from(Config config) {
    return new RedisSettings(
        config.get(URL, "redis://localhost:6379"),
        config.get("REDIS_KEY_PREFIX", "wp:"),
        config.getInt("REDIS_POOL_SIZE", 8, 1, 128));
  }
}
