package io.walletplatform.common.auth;

import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/** JSON Web Keys (RFC 7517) made from JDK keys, and their public halves. */
public final class Jwks {

  private static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "oth");

  private Jwks() {
  }

  /**
   * A new RSA 2048 key pair as a private RS256 JWK; {@code kid} null names it by its RFC 7638
   * thumbprint.
   */
  public static JsonObject newRsaKey(String kid) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      var pair = generator.generateKeyPair();
      RSAPublicKey publicKey = (RSAPublicKey) pair.getPublic();
      RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) pair.getPrivate();
      String n = base64(publicKey.getModulus());
      String e = base64(publicKey.getPublicExponent());
      String id = kid != null ? kid : thumbprint(n, e);
      return new JsonObject().put("kty", "RSA").put("use", "sig").put("alg", "RS256").put("kid", id)
          .put("n", n).put("e", e)
          .put("d", base64(privateKey.getPrivateExponent()))
          .put("p", base64(privateKey.getPrimeP())).put("q", base64(privateKey.getPrimeQ()))
          .put("dp", base64(privateKey.getPrimeExponentP())).put("dq", base64(privateKey.getPrimeExponentQ()))
          .put("qi", base64(privateKey.getCrtCoefficient()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no RSA", e);
    }
  }

  /** The key without its private members: what a JWKS publishes. */
  public static JsonObject publicPart(JsonObject jwk) {
    JsonObject copy = jwk.copy();
    PRIVATE_MEMBERS.forEach(copy::remove);
    return copy;
  }

  /** RFC 7638: SHA-256 over the required members in lexicographic order, no white space. */
  private static String thumbprint(String n, String e) throws NoSuchAlgorithmException {
    String input = "{\"e\":\"" + e + "\",\"kty\":\"RSA\",\"n\":\"" + n + "\"}";
    return Base64.getUrlEncoder().withoutPadding().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8)));
  }

  /** Unsigned big-endian, base64url without padding, as JWK wants integers. */
  public static String base64(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
