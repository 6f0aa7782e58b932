package io.walletplatform.common.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The address a per-address limit counts a request against. It is the TCP peer, unless the peer is
 * a configured trusted proxy: then {@code X-Forwarded-For} is read from its right end, skipping
 * trusted proxies, and the first address that is not one is the client (what a client wrote
 * further left is never believed). An IPv6 client counts as its /64, the smallest block a
 * subscriber is given: one host owns 2^64 addresses, and counting each would count none.
 */
public final class ClientAddress {

  /** No proxy trusted: the TCP peer is the client. */
  public static final ClientAddress DIRECT = new ClientAddress(List.of());

  private final List<Block> trustedProxies;

  private ClientAddress(List<Block> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  /**
   * Trusted proxies from a comma-separated list of addresses and CIDR blocks
   * ({@code 10.0.0.0/8, 192.168.1.7, fd00::/8}); an empty list trusts none. Only literal addresses:
   * a name is refused (no DNS lookup decides whom to believe).
   */
  public static ClientAddress trusting(String spec) {
    List<Block> blocks = new ArrayList<>();
    for (String part : spec.split(",")) {
      String entry = part.trim();
      if (entry.isEmpty()) {
        continue;
      }
      int slash = entry.indexOf('/');
      InetAddress address = literal(slash < 0 ? entry : entry.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException("\"" + entry + "\" is not an IP address or CIDR block");
      }
      int bits = address.getAddress().length * 8;
      int prefix;
      try {
        prefix = slash < 0 ? bits : Integer.parseInt(entry.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("\"" + entry + "\" has no valid prefix length");
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("\"" + entry + "\" has a prefix length outside 0-" + bits);
      }
      blocks.add(new Block(address.getAddress(), prefix));
    }
    return blocks.isEmpty() ? DIRECT : new ClientAddress(List.copyOf(blocks));
  }

  /** The key a per-address limit counts this request under. */
  public String key(HttpServerRequest request) {
    SocketAddress peer = request.remoteAddress();
    InetAddress client = peer == null || peer.hostAddress() == null ? null : literal(peer.hostAddress());
    if (client == null) {
      return peer == null ? "?" : String.valueOf(peer.hostAddress());
    }
    if (isTrusted(client)) {
      List<String> forwarded = request.headers().getAll("X-Forwarded-For");
      outer:
      for (int h = forwarded.size() - 1; h >= 0; h--) {
        String[] hops = forwarded.get(h).split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
          InetAddress hop = literal(withoutPort(hops[i].trim()));
          if (hop == null) {
            break outer;
          }
          client = hop;
          if (!isTrusted(hop)) {
            break outer;
          }
        }
      }
    }
    return bucket(client);
  }

  private boolean isTrusted(InetAddress address) {
    for (Block block : trustedProxies) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** An IPv4 address as itself, an IPv6 one as its /64 ({@code 2001:db8:1:2::/64}). */
  static String bucket(InetAddress address) {
    if (address instanceof Inet4Address) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    StringBuilder key = new StringBuilder(24);
    for (int i = 0; i < 8; i += 2) {
      key.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
    }
    return key.append(":/64").toString();
  }

  /** {@code 1.2.3.4:80} → 1.2.3.4, {@code [::1]:80} → ::1, anything else as it is. */
  private static String withoutPort(String hop) {
    if (hop.startsWith("[")) {
      int end = hop.indexOf(']');
      return end < 0 ? hop : hop.substring(1, end);
    }
    int colon = hop.indexOf(':');
    return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
  }

  /** The address a literal names, or null: never a DNS lookup (only digits, hex, dots and colons get to the parser). */
  static InetAddress literal(String text) {
    if (text.isEmpty() || text.length() > 45) {
      return null;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    boolean colon = false;
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      colon |= c == ':';
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == '.' || c == ':')) {
        return null;
      }
    }
    if (!colon && !lower.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return null;
    }
    try {
      InetAddress address = InetAddress.getByName(lower);
      return address instanceof Inet4Address || address instanceof Inet6Address ? address : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private record Block(byte[] network, int prefix) {
    boolean contains(InetAddress address) {
      byte[] candidate = address.getAddress();
      if (candidate.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (candidate[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (candidate[full] & mask) == (network[full] & mask);
    }
  }
}
