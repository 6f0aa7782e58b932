package io.walletplatform.common.money;

import com.fasterxml.jackson.databind.JsonNode;
import io.walletplatform.common.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MoneyTest {

  @ParameterizedTest
  @CsvSource({"1500.99,150099", "12.5,1250", "300,30000", "0.01,1", "0,0", "1e2,10000", "1.000,100",
      "1000000000.00,100000000000", "0.07,7", "0.29,29", "1.005e2,10050"})
  void parsesDecimalTextExactlyToMinorUnits(String text, long minor) {
    JsonNode node = Json.parse("{\"amount\": " + text + "}").get("amount");
    BigDecimal value = node.isBigDecimal() ? node.decimalValue() : new BigDecimal(node.bigIntegerValue());
    assertEquals(minor, Money.of(value).minor());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.001", "1.005", "1e-7", "99999999999999999999.99"})
  void refusesMoreThanTwoFractionalDigitsAndOverflow(String text) {
    assertThrows(IllegalArgumentException.class, () -> Money.of(new BigDecimal(text)));
  }

  @Test
  void writesExactlyTwoFractionalDigits() {
    assertEquals("0.00", Money.ZERO.toDecimal().toString());
    assertEquals("12.50", Money.ofMinor(1250).toDecimal().toString());
    assertEquals("1000000000.00", Money.MAX_AMOUNT.toDecimal().toString());
  }

  @Test
  void arithmeticIsCheckedNeverWrapped() {
    assertThrows(ArithmeticException.class, () -> Money.ofMinor(Long.MAX_VALUE).plus(Money.ofMinor(1)));
    assertThrows(ArithmeticException.class, () -> Money.ofMinor(Long.MIN_VALUE).minus(Money.ofMinor(1)));
    assertTrue(Money.ofMinor(5).minus(Money.ofMinor(6)).isNegative());
  }

  @Test
  void decimalsThatDoublesGetWrongStayExact() {
    // 0.1 + 0.2 in binary floating point is 0.30000000000000004.
    Money sum = Money.of(new BigDecimal("0.1")).plus(Money.of(new BigDecimal("0.2")));
    assertEquals(Money.of(new BigDecimal("0.30")), sum);
  }

  /** The smallest BTC amount goes out as 0.00000001, never 1E-8 (Vert.x writes a BigDecimal's toString()). */
  @Test
  void anAmountOfEightDecimalsIsWrittenAsPlainDigits() {
    Asset btc = new Asset("BTC", 8);
    io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject()
        .put("amount", btc.decimal(Money.ofMinor(1))).put("balance", btc.decimal(Money.ofMinor(12)));
    assertEquals("{\"amount\":0.00000001,\"balance\":0.00000012}", json.encode());
  }
}
