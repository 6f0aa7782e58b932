package io.walletplatform.webhooks;

import io.walletplatform.webhooks.domain.TargetPolicy;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TargetPolicyTest {

  private final TargetPolicy strict = new TargetPolicy(false);
  private final TargetPolicy development = new TargetPolicy(true);

  private String refusal(String literal) throws Exception {
    return strict.refusal(InetAddress.getByName(literal));
  }

  @Test
  void refusesEveryAddressThatIsNotPublicIncludingIpv4InsideIpv6() throws Exception {
    for (String address : new String[] {"127.0.0.1", "127.8.9.10", "::1", "0.0.0.0", "::", "10.1.2.3", "172.16.0.1",
        "172.31.255.255", "192.168.1.1", "169.254.169.254", "fe80::1", "fc00::1", "fd12:3456::1", "224.0.0.1",
        "ff02::1", "100.64.0.1", "100.127.255.255", "198.18.0.1", "240.0.0.1", "255.255.255.255", "192.0.0.8",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::a9fe:a9fe",
        "2002:7f00:1::", "2002:c0a8:101::1", "2001:db8::1", "168.63.129.16", "64:ff9b:1::808:808",
        "64:ff9b:1:ffff::1", "192.0.2.10", "198.51.100.7", "203.0.113.200", "3fff::1", "3fff:fff::1", "100::1"}) {
      assertNotNull(refusal(address), address + " must be refused");
    }
    assertEquals("127.0.0.1 is a loopback address", refusal("::ffff:127.0.0.1"));
  }

  @Test
  void admitsPublicAddresses() throws Exception {
    for (String address : new String[] {"93.184.216.34", "8.8.8.8", "100.128.0.1", "172.32.0.1", "2606:4700::1111",
        "::ffff:8.8.8.8", "64:ff9b::808:808", "168.63.129.17", "192.0.3.1", "64:ff9b:2::1", "4000::1", "100:0:0:1::1"}) {
      assertNull(refusal(address), address + " is public");
    }
  }

  @Test
  void urlsMustBeHttpsWithAHostAndNoCredentialsUnlessPrivateNetworksAreAllowed() {
    assertEquals("example.com", strict.parse("https://example.com/hooks?x=1").getHost());
    assertThrows(IllegalArgumentException.class, () -> strict.parse("http://example.com/"));
    assertThrows(IllegalArgumentException.class, () -> strict.parse("https:///path"));
    assertThrows(IllegalArgumentException.class, () -> strict.parse("https://user:secret@example.com/"));
    assertThrows(IllegalArgumentException.class, () -> strict.parse("https://example.com/#fragment"));
    assertThrows(IllegalArgumentException.class, () -> strict.parse("https://exa mple.com/"));
    assertThrows(IllegalArgumentException.class, () -> strict.parse("https://example.com/" + "a".repeat(2048)));
    assertEquals(8443, strict.parse("https://example.com:8443/hook").getPort());
    assertEquals(443, strict.parse("https://example.com:443/hook").getPort());
    for (String port : new String[] {"22", "25", "6379", "5432", "9092", "8080", "80"}) {
      assertThrows(IllegalArgumentException.class, () -> strict.parse("https://example.com:" + port + "/hook"),
          "port " + port + " is refused");
    }
    assertEquals("localhost", development.parse("http://localhost:8080/hook").getHost());
    assertNull(development.refusal(InetAddress.getLoopbackAddress()));
  }
}
