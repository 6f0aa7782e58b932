package io.walletplatform.webhooks.domain;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where deliveries may go (SSRF protection): {@code https} URLs whose host resolves only to public
 * addresses. Refused: loopback, private (RFC 1918, unique-local fc00::/7), link-local, multicast,
 * unspecified, carrier-grade NAT (100.64/10), benchmark, documentation (192.0.2/24, 198.51.100/24,
 * 203.0.113/24, 2001:db8::/32, 3fff::/20), discard-only, local-use NAT64 (64:ff9b:1::/48), the cloud
 * wire server 168.63.129.16, and reserved ranges, and the IPv4 address
 * inside an IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 address is checked as IPv4. The URL is
 * checked when a subscription is created (with its port: 443 or 8443 only); its resolution at every attempt ({@link #refusal(InetAddress)}
 * on every address the name resolves to, and the connection goes to the address checked, so a DNS
 * answer that changes between the check and the connection cannot move it). With
 * {@code allowPrivateNetworks} (development and tests) {@code http} and every address pass.
 */
public final class TargetPolicy {

  public static final int MAX_URL_LENGTH = 2048;
  /** The ports a delivery may go to (443 when the URL names none), unless private networks are allowed. */
  public static final java.util.Set<Integer> ALLOWED_PORTS = java.util.Set.of(443, 8443);

  private final boolean allowPrivateNetworks;

  public TargetPolicy(boolean allowPrivateNetworks) {
    this.allowPrivateNetworks = allowPrivateNetworks;
  }

  public boolean allowsPrivateNetworks() {
    return allowPrivateNetworks;
  }

  /** The URL's parts, or an {@link IllegalArgumentException} saying why it cannot be a target. */
  public URI parse(String url) {
    if (url == null || url.isEmpty() || url.length() > MAX_URL_LENGTH) {
      throw new IllegalArgumentException("must be an absolute URL of at most " + MAX_URL_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(allowPrivateNetworks && scheme.equals("http"))) {
      throw new IllegalArgumentException("must be an https URL");
    }
    if (uri.getRawAuthority() == null || uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("must name a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("must not carry credentials");
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("must not have a fragment");
    }
    if (!allowPrivateNetworks && uri.getPort() != -1 && !ALLOWED_PORTS.contains(uri.getPort())) {
      throw new IllegalArgumentException("must use port 443 or 8443 (other ports reach services that are not webhook receivers)");
    }
    return uri;
  }

  /** Why a delivery may not go to {@code address}, or {@code null} when it may. */
  public String refusal(InetAddress address) {
    if (allowPrivateNetworks) {
      return null;
    }
    String kind = kind(address);
    return kind == null ? null : address.getHostAddress() + " is a " + kind + " address";
  }

  static String kind(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      byte[] embedded = embeddedIpv4(b);
      if (embedded != null) {
        try {
          return kind(InetAddress.getByAddress(embedded));
        } catch (java.net.UnknownHostException impossible) {
          return "malformed";
        }
      }
      if ((b[0] & 0xfe) == 0xfc) {
        return "unique-local (private)";
      }
      if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) {
        return "documentation";
      }
      if ((b[0] & 0xff) == 0x3f && (b[1] & 0xf0) == 0xf0) {
        return "documentation"; // 3fff::/20 (RFC 9637)
      }
      if (b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && b[4] == 0 && b[5] == 1) {
        return "local-use NAT64 (private)"; // 64:ff9b:1::/48 (RFC 8215): translated inside the operator's network
      }
      if ((b[0] & 0xff) == 0x01 && b[1] == 0 && b[2] == 0 && b[3] == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0) {
        return "discard-only"; // 100::/64
      }
    }
    if (address.isAnyLocalAddress()) {
      return "unspecified";
    }
    if (address.isLoopbackAddress()) {
      return "loopback";
    }
    if (address.isLinkLocalAddress()) {
      return "link-local";
    }
    if (address.isSiteLocalAddress()) {
      return "private";
    }
    if (address.isMulticastAddress()) {
      return "multicast";
    }
    if (address instanceof Inet4Address) {
      byte[] b = address.getAddress();
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      if (first == 0) {
        return "\"this network\"";
      }
      if (first == 100 && second >= 64 && second <= 127) {
        return "carrier-grade NAT (private)";
      }
      if (first == 192 && second == 0 && (b[2] & 0xff) == 0) {
        return "IETF protocol assignment";
      }
      if (first == 198 && (second == 18 || second == 19)) {
        return "benchmarking";
      }
      if (first == 192 && second == 0 && (b[2] & 0xff) == 2 || first == 198 && second == 51 && (b[2] & 0xff) == 100
          || first == 203 && second == 0 && (b[2] & 0xff) == 113) {
        return "documentation";
      }
      if (first == 168 && second == 63 && (b[2] & 0xff) == 129 && (b[3] & 0xff) == 16) {
        return "cloud platform (Azure wire server)";
      }
      if (first >= 240) {
        return "reserved";
      }
    }
    return null;
  }

  /** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64 64:ff9b::/96, 6to4 2002::/16), or null. */
  private static byte[] embeddedIpv4(byte[] b) {
    boolean firstTenZero = true;
    for (int i = 0; i < 10; i++) {
      firstTenZero &= b[i] == 0;
    }
    if (firstTenZero && ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff || b[10] == 0 && b[11] == 0)) {
      boolean unspecifiedOrLoopback = b[10] == 0 && b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1);
      return unspecifiedOrLoopback ? null : java.util.Arrays.copyOfRange(b, 12, 16);
    }
    boolean nat64 = b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
    for (int i = 4; nat64 && i < 12; i++) {
      nat64 = b[i] == 0;
    }
    if (nat64) {
      return java.util.Arrays.copyOfRange(b, 12, 16);
    }
    if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
      return java.util.Arrays.copyOfRange(b, 2, 6);
    }
    return null;
  }
}
