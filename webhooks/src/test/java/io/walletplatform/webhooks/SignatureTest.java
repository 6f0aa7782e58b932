package io.walletplatform.webhooks;

import io.walletplatform.webhooks.domain.Signature;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignatureTest {

  /** The example of the Standard Webhooks specification and its reference libraries' tests. */
  @Test
  void signsTheSpecificationsExample() {
    assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        Signature.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
            "{\"test\": 2432232314}"));
  }

  /** Our signature is the one the specification's reference library makes. */
  @Test
  void agreesWithTheReferenceLibrary() throws Exception {
    for (int i = 0; i < 20; i++) {
      String secret = Signature.newSecret();
      String id = java.util.UUID.randomUUID().toString();
      String body = "{\"type\":\"order.finished\",\"data\":{\"n\":" + i + ",\"text\":\"caf\u00e9 \ud83d\ude00\"}}";
      assertEquals(new com.standardwebhooks.Webhook(secret).sign(id, 1_700_000_000L + i, body),
          Signature.sign(secret, id, 1_700_000_000L + i, body));
    }
  }

  @Test
  void secretsAre32RandomBytes() {
    String one = Signature.newSecret();
    assertTrue(one.startsWith("whsec_"));
    assertEquals(32, Base64.getDecoder().decode(one.substring(6)).length);
    assertNotEquals(one, Signature.newSecret());
  }
}
