package io.walletplatform.common.auth;

import io.walletplatform.common.config.Config;
import io.walletplatform.common.util.Uuids;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Who issues the tokens this process accepts, and the limits it puts on a principal.
 *
 * <p>With {@code AUTH_ISSUER} set, tokens come from that OpenID Connect provider: its keys are read
 * from {@code AUTH_JWKS_URL}, or from the {@code jwks_uri} of its discovery document when that is
 * not set. Without it, the process runs the development issuer ({@link DevIssuer}) with its keys in
 * {@code devKeyDirectory}.
 *
 * @param externalIssuer     the OIDC issuer ({@code iss}), empty for the development issuer
 * @param jwksUrl            where the external issuer's keys are, empty to discover them
 * @param audience           the {@code aud} every token must name
 * @param clockSkew          how far {@code exp} and {@code nbf} may be off
 * @param jwksMinRefresh     the shortest time between two key-set downloads caused by unknown key ids
 * @param jwksRefresh        how often the key set is downloaded anyway, so that a removed key stops working
 * @param tokenCacheEntries  how many verified tokens are remembered (until their {@code exp}), least recently used out first
 * @param revocationUrl      the development issuer's {@code /oauth/revoked}, polled when tokens come from another process's
 * @param devIssuer          the {@code iss} of the development issuer's tokens
 * @param devKeyDirectory    where the development issuer keeps its key pair, hashing key and generated admin secret
 * @param devSharedSecret    tests and benchmarks only: one secret any UUID client id may use
 * @param adminClientId      the only client that may ask for {@code admin}
 * @param adminClientSecret  its secret, when configured (otherwise generated into the key directory)
 * @param metricsClientId    a client that may ask for {@code metrics} alone (what Prometheus scrapes with)
 * @param metricsClientSecret its secret, when configured (otherwise generated into {@code metricsSecretFile})
 * @param metricsSecretFile  where a generated metrics secret is kept: a directory of its own can be given to
 *                           the scraper alone, without the signing key and the admin's secret beside it
 * @param registration       whether {@code POST /oauth/clients} is open to anyone (an admin may always create clients)
 * @param clientsMax         how many unrevoked clients self-registration may make at most
 * @param registrationsPerAddressPerMinute registrations one source address may make a minute (bursts of as many)
 * @param tokenRequestsPerAddressPerSecond token requests one source address may make a second (bursts of twice as many)
 * @param devTokenTtl        the lifetime of a development token
 * @param writesPerSecond    the per-principal rate of write requests, 0 for no limit
 * @param writeBurst         how many writes a principal may make at once
 * @param readsPerSecond     the per-principal rate of read requests, 0 for no limit
 * @param readBurst          how many reads a principal may make at once
 * @param clientAddress      how the per-address limits find a request's client: the TCP peer, or, from a
 *                           trusted proxy ({@code HTTP_TRUSTED_PROXIES}), the address it forwarded
 */
public record AuthSettings(Optional<String> externalIssuer, Optional<URI> jwksUrl, String audience, Duration clockSkew,
                           Duration jwksMinRefresh, Duration jwksRefresh, int tokenCacheEntries, Optional<URI> revocationUrl,
                           String devIssuer, Path devKeyDirectory, Optional<String> devSharedSecret,
                           Optional<UUID> adminClientId, Optional<String> adminClientSecret,
                           Optional<UUID> metricsClientId, Optional<String> metricsClientSecret, Path metricsSecretFile,
                           boolean registration,
                           int clientsMax, int registrationsPerAddressPerMinute, int tokenRequestsPerAddressPerSecond,
                           Duration devTokenTtl, int writesPerSecond, int writeBurst, int readsPerSecond, int readBurst,
                           io.walletplatform.common.http.ClientAddress clientAddress) {

  /** A configured secret shorter than this is refused: it can be guessed, or it is a placeholder. */
  public static final int MIN_SECRET_BYTES = 32;
  private static final List<String> PLACEHOLDERS = List.of("change", "replace", "placeholder", "example", "default",
      "xxxx", "todo", "dummy", "sample");

  public static final String DEFAULT_AUDIENCE = "wallet-platform";

  public static AuthSettings from(Config config) {
    if (config.find("AUTH_DEV_CLIENT_SECRET").isPresent()) {
      throw new IllegalArgumentException("AUTH_DEV_CLIENT_SECRET is gone: every client now has its own secret "
          + "(POST /oauth/clients). For tests and benchmarks only, AUTH_DEV_SHARED_SECRET lets any client id use one secret.");
    }
    int rate = config.getInt("RATE_LIMIT_PER_PRINCIPAL_PER_S", 1_000, 0, 10_000_000);
    int readRate = config.getInt("RATE_LIMIT_READS_PER_PRINCIPAL_PER_S", 2_000, 0, 10_000_000);
    io.walletplatform.common.http.ClientAddress clientAddress;
    try {
      clientAddress = io.walletplatform.common.http.ClientAddress.trusting(config.get("HTTP_TRUSTED_PROXIES", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("HTTP_TRUSTED_PROXIES: " + e.getMessage());
    }
    Optional<String> adminSecret = config.find("AUTH_ADMIN_CLIENT_SECRET");
    adminSecret.ifPresent(secret -> requireStrong("AUTH_ADMIN_CLIENT_SECRET", secret));
    Optional<String> metricsSecret = config.find("AUTH_METRICS_CLIENT_SECRET");
    metricsSecret.ifPresent(secret -> requireStrong("AUTH_METRICS_CLIENT_SECRET", secret));
    Path dataDirectory = Path.of(config.get("EMBEDDED_DATA_DIR", "data"));
    Optional<String> externalIssuer = config.find("AUTH_ISSUER");
    Optional<URI> jwksUrl = config.find("AUTH_JWKS_URL").map(URI::create);
    Path keyDirectory = Path.of(config.get("AUTH_DEV_KEY_DIR", dataDirectory.resolve("auth").toString())).toAbsolutePath();
    boolean allowHttp = config.getBoolean("AUTH_ALLOW_HTTP_ISSUER", false);
    for (Optional<URI> url : List.of(jwksUrl, config.find("AUTH_REVOCATION_URL").map(URI::create),
        externalIssuer.filter(text -> text.startsWith("http")).map(URI::create))) {
      url.filter(uri -> !"https".equalsIgnoreCase(uri.getScheme()) && !allowHttp).ifPresent(uri -> {
        throw new IllegalArgumentException(uri + " is not https: keys read over plain http can be replaced by anyone "
            + "on the path. Set AUTH_ALLOW_HTTP_ISSUER=true only on a private network (as docker-compose.yml does).");
      });
    }
    return new AuthSettings(
        externalIssuer,
        jwksUrl,
        config.get("AUTH_AUDIENCE", DEFAULT_AUDIENCE),
        Duration.ofSeconds(config.getLong("AUTH_CLOCK_SKEW_S", 30, 0, 600)),
        config.getMillis("AUTH_JWKS_MIN_REFRESH_MS", 10_000, 0, 3_600_000),
        config.getMillis("AUTH_JWKS_REFRESH_MS", 300_000, 1_000, 86_400_000),
        config.getInt("AUTH_TOKEN_CACHE_ENTRIES", 100_000, 0, 10_000_000),
        config.find("AUTH_REVOCATION_URL").map(URI::create),
        config.get("AUTH_DEV_ISSUER", "urn:wallet-platform:dev-issuer"),
        keyDirectory,
        config.find("AUTH_DEV_SHARED_SECRET"),
        config.find("AUTH_ADMIN_CLIENT_ID").map(text -> parseUuid("AUTH_ADMIN_CLIENT_ID", text)),
        adminSecret,
        config.find("AUTH_METRICS_CLIENT_ID").map(text -> parseUuid("AUTH_METRICS_CLIENT_ID", text)),
        metricsSecret,
        Path.of(config.get("AUTH_METRICS_CLIENT_SECRET_FILE", keyDirectory.resolve("metrics-client-secret").toString()))
            .toAbsolutePath(),
        config.getBoolean("AUTH_DEV_REGISTRATION", false),
        config.getInt("AUTH_DEV_CLIENTS_MAX", 10_000, 1, 10_000_000),
        config.getInt("AUTH_REGISTRATIONS_PER_ADDRESS_PER_MIN", 30, 1, 1_000_000),
        config.getInt("AUTH_TOKEN_REQUESTS_PER_ADDRESS_PER_S", 20, 1, 1_000_000),
        Duration.ofSeconds(config.getLong("AUTH_DEV_TOKEN_TTL_S", 3_600, 10, 86_400)),
        rate,
        config.getInt("RATE_LIMIT_BURST", Math.max(1, rate * 2), 1, 100_000_000),
        readRate,
        config.getInt("RATE_LIMIT_READ_BURST", Math.max(1, readRate * 2), 1, 100_000_000),
        clientAddress);
  }

  /**
   * Refuses a configured client secret that can be guessed: under {@value #MIN_SECRET_BYTES} bytes,
   * one that reads like a placeholder ({@code change-me-…}, {@code example}), or one of few distinct
   * characters. A deployment that ships such a value would otherwise accept it as the admin's.
   */
  static void requireStrong(String name, String secret) {
    String lower = secret.toLowerCase(java.util.Locale.ROOT);
    if (secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(name + " is shorter than " + MIN_SECRET_BYTES + " bytes: use a random one "
          + "(openssl rand -base64 32), or leave it unset to have one generated into AUTH_DEV_KEY_DIR");
    }
    if (PLACEHOLDERS.stream().anyMatch(lower::contains) || secret.chars().distinct().count() < 10) {
      throw new IllegalArgumentException(name + " looks like a placeholder, not a random secret: use a random one "
          + "(openssl rand -base64 32), or leave it unset to have one generated into AUTH_DEV_KEY_DIR");
    }
  }

  /** True when this process issues its own tokens. */
  public boolean developmentIssuer() {
    return externalIssuer.isEmpty();
  }

  /** The {@code iss} tokens must carry. */
  public String issuer() {
    return externalIssuer.orElse(devIssuer);
  }

  private static UUID parseUuid(String name, String text) {
    UUID id = Uuids.canonical(text);
    if (id == null) {
      throw new IllegalArgumentException(name + " must be a canonical, lower-case UUID, got " + text);
    }
    return id;
  }
}
