package io.walletplatform.common.json;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetadataTest {

  private static JsonObject of(String json) {
    return Metadata.of(Json.parse(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void metadataIsAtMostTwentyStringMembersWithBoundedNamesAndValues() {
    assertEquals(new JsonObject().put("order", "A-1").put("note", ""), of("{\"order\":\"A-1\",\"note\":\"\"}"));
    assertNull(of("{}"), "an empty object is none");
    assertNull(of("null"));
    JsonObject twenty = new JsonObject();
    for (int i = 0; i < 20; i++) {
      twenty.put("k" + i, "v");
    }
    assertEquals(twenty, of(twenty.encode()));
    assertEquals("", assertThrows(Metadata.Invalid.class, () -> of(twenty.copy().put("k20", "v").encode())).member());
    assertThrows(Metadata.Invalid.class, () -> of("[]"));
    assertThrows(Metadata.Invalid.class, () -> of("{\"\":\"v\"}"));
    assertThrows(Metadata.Invalid.class, () -> of("{\"" + "n".repeat(41) + "\":\"v\"}"));
    of("{\"" + "n".repeat(40) + "\":\"" + "v".repeat(500) + "\"}");
    assertEquals("k", assertThrows(Metadata.Invalid.class, () -> of("{\"k\":\"" + "v".repeat(501) + "\"}")).member());
    assertEquals("k", assertThrows(Metadata.Invalid.class, () -> of("{\"k\":1}")).member());
    assertEquals("k", assertThrows(Metadata.Invalid.class, () -> of("{\"k\":{\"nested\":\"x\"}}")).member());
    assertThrows(Metadata.Invalid.class, () -> of("{\"k\":\"a\\u0000b\"}"), "PostgreSQL's jsonb keeps no NUL");
    assertThrows(Metadata.Invalid.class, () -> of("{\"k\":\"\\ud800\"}"), "an unpaired surrogate");
  }

  @Test
  void aFilterIsEveryMetadataBracketParameterAndNothingElse() {
    MultiMap query = MultiMap.caseInsensitiveMultiMap().add("limit", "5").add("metadata[order]", "A-1")
        .add("metadata[channel]", "web");
    assertEquals(new JsonObject().put("order", "A-1").put("channel", "web"), Metadata.filter(query));
    assertNull(Metadata.filter(MultiMap.caseInsensitiveMultiMap().add("limit", "5")));
    for (String bad : new String[] {"metadata", "metadata[]", "metadata[a", "metadataX", "metadata[" + "n".repeat(41) + "]"}) {
      assertThrows(Metadata.Invalid.class, () -> Metadata.filter(MultiMap.caseInsensitiveMultiMap().add(bad, "v")), bad);
    }
    assertThrows(Metadata.Invalid.class, () -> Metadata.filter(MultiMap.caseInsensitiveMultiMap()
        .add("metadata[a]", "1").add("metadata[a]", "2")), "a name twice");
    assertThrows(Metadata.Invalid.class, () -> Metadata.filter(MultiMap.caseInsensitiveMultiMap()
        .add("metadata[a]", "v".repeat(501))));
  }

  @Test
  void sameTreatsNoneAndEmptyAlikeAndIgnoresMemberOrder() {
    assertTrue(Metadata.same(null, new JsonObject()));
    assertTrue(Metadata.same(new JsonObject().put("a", "1").put("b", "2"), new JsonObject().put("b", "2").put("a", "1")));
    assertFalse(Metadata.same(null, new JsonObject().put("a", "1")));
    assertFalse(Metadata.same(new JsonObject().put("a", "1"), new JsonObject().put("a", "2")));
  }
}
