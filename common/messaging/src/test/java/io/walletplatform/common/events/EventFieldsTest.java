package io.walletplatform.common.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.walletplatform.common.errors.InvalidRecordException;
import io.walletplatform.common.json.Json;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A record's members read as it streams give the nodes the whole tree had, under the same refusals. */
class EventFieldsTest {

  private static JsonNode[] members(String json, String... names) {
    return EventFields.members(json.getBytes(StandardCharsets.UTF_8), names);
  }

  private static String refusal(String json) {
    return assertThrows(InvalidRecordException.class, () -> members(json, "a")).getMessage();
  }

  @Test
  void eachNamedMemberIsTheNodeTheTreeHadAndTheOthersAreSkipped() {
    String json = "{\"skip\":{\"deep\":[1,{\"a\":2}],\"x\":null},\"a\":\"t\\u00e9\\\"x\",\"n\":12,\"big\":123456789012345678901234,"
        + "\"d\":1.50,\"t\":true,\"f\":false,\"z\":null,\"o\":{\"k\":[1,2.5,\"v\"]},\"after\":[[]]}";
    String[] names = {"a", "n", "big", "d", "t", "f", "z", "o", "absent"};
    JsonNode[] values = members(json, names);
    JsonNode tree = Json.parse(json.getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < names.length - 1; i++) {
      JsonNode expected = tree.get(names[i]);
      if (expected.isNumber()) {  // a whole number is a LongNode where the tree's is a BigIntegerNode: same value
        assertEquals(expected.decimalValue(), values[i].decimalValue(), names[i]);
      } else {
        assertEquals(expected, values[i], names[i]);
      }
      assertEquals(tree.get(names[i]).isIntegralNumber(), values[i].isIntegralNumber(), names[i]);
      assertEquals(tree.get(names[i]).canConvertToLong(), values[i].canConvertToLong(), names[i]);
    }
    assertNull(values[names.length - 1]);
    assertEquals(12L, values[1].longValue());
    assertEquals(new BigInteger("123456789012345678901234"), values[2].bigIntegerValue());
    assertEquals(0, new BigDecimal("1.50").compareTo(values[3].decimalValue()), "a decimal stays exact, never a double");
    assertTrue(values[3].isBigDecimal());
    assertEquals("té\"x", values[0].textValue());
  }

  @Test
  void whatTheTreeRefusedIsRefusedWithTheSameWords() {
    assertTrue(refusal("{not json").startsWith("not valid JSON: "));
    assertTrue(refusal("{\"a\":1,\"a\":2}").startsWith("not valid JSON: "), "a repeated member");
    assertTrue(refusal("{\"b\":{\"c\":1,\"c\":1}}").startsWith("not valid JSON: "), "a repeated member deeper down");
    assertTrue(refusal("{\"a\":1} {}").startsWith("not valid JSON: "), "content after the object");
    assertTrue(refusal("{\"a\":1} x").startsWith("not valid JSON: "), "garbage after the object");
    assertTrue(refusal("{\"a\":1").startsWith("not valid JSON: "), "an object cut short");
    assertTrue(refusal("{\"a\":1e99999999999999999999999999999999999999999999999999999999999999999999}")
        .startsWith("not valid JSON: "), "a number longer than the mapper allows");
    assertEquals("value is not a JSON object", refusal("[1]"));
    assertEquals("value is not a JSON object", refusal("\"a\""));
    assertEquals("value is not a JSON object", refusal(""));
    assertEquals("record has no value",
        assertThrows(InvalidRecordException.class, () -> EventFields.members(null, "a")).getMessage());
    StringBuilder deep = new StringBuilder("{\"b\":");
    deep.append("[".repeat(40)).append("]".repeat(40)).append('}');
    assertTrue(refusal(deep.toString()).startsWith("not valid JSON: "), "nesting beyond the mapper's limit");
  }
}
