package io.idempo.runtime.outbox;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.runtime.jdbc.TableName;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Message validation, the header encoding and table-name validation: no database. */
class OutboxMessageTest {

  @Test
  void headersRoundTrip_inOrder_whateverTheirText() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json");
    headers.put("a:b", "1:2:3");
    headers.put("12", "");
    headers.put("x", "line\nbreak and \uD83D\uDE00");
    String encoded = Headers.encode(headers);
    assertThat(encoded).startsWith("12:content-type16:application/json3:a:b5:1:2:3");
    assertThat(Headers.decode(encoded)).containsExactlyEntriesIn(headers).inOrder();
    assertThat(Headers.decode("")).isEmpty();
    assertThat(Headers.encode(Map.of())).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"x", "1:", "3:ab", "a:b", "-1:x", "1:a", "99999999999:a"})
  void malformedHeaderText_isRefused(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Headers.decode(text));
    assertThat(e).hasMessageThat().contains("malformed outbox headers");
  }

  @Test
  void thePayloadIsCopied() {
    byte[] payload = {1, 2};
    OutboxMessage message = OutboxMessage.of("d", "k", payload);
    payload[0] = 9;
    message.payload()[1] = 9;
    assertThat(message.payload()).isEqualTo(new byte[] {1, 2});
  }

  @Test
  void textThatADatabaseCannotStore_isRefused_withWhereItIs() {
    assertThat(assertThrows(IllegalArgumentException.class, () -> OutboxMessage.of("d", "a\u0000b", new byte[0])))
        .hasMessageThat()
        .contains("message key contains a NUL character at index 1");
    assertThat(
            assertThrows(
                IllegalArgumentException.class,
                () -> OutboxMessage.builder("d", "k", new byte[0]).header("h", "x\uD800")))
        .hasMessageThat()
        .contains("value of header h has an unpaired UTF-16 surrogate at index 1");
    assertThat(assertThrows(IllegalArgumentException.class, () -> OutboxMessage.of(" ", "k", new byte[0])))
        .hasMessageThat()
        .contains("destination must not be blank");
    assertThat(assertThrows(IllegalArgumentException.class, () -> OutboxMessage.of("d", "k".repeat(256), new byte[0])))
        .hasMessageThat()
        .contains("256 characters long; at most 255");
    assertThat(assertThrows(IllegalArgumentException.class, () -> OutboxMessage.builder("d", "k", new byte[0]).header("", "v")))
        .hasMessageThat()
        .contains("header name must not be empty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "x; DROP TABLE y", "\"quoted\"", "a.b.c", "1abc", "has space", "tab\tname"})
  void invalidTableNames_areRefused(String name) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TableName.of("outbox", name));
    assertThat(e).hasMessageThat().contains("outbox table name");
  }

  @Test
  void validTableNames_areAccepted() {
    assertThat(TableName.of("outbox", "idempo_outbox").qualified()).isEqualTo("idempo_outbox");
    assertThat(TableName.of("outbox", "app.Outbox_2").schema()).isEqualTo("app");
    assertThat(TableName.of("outbox", "_" + "a".repeat(47)).table()).hasLength(48);
    assertThrows(IllegalArgumentException.class, () -> TableName.of("outbox", "a".repeat(49)));
  }
}
