package io.idempo.spring.web;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.runtime.ResultCodec;
import io.idempo.runtime.ResultCodecs;
import io.idempo.runtime.json.Jackson3ResultCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** {@link ResponseEntityCodec}: what it keeps, the documented stored form, and bad input. */
class ResponseEntityCodecTest {

  record Payment(String id, long amount) {}

  private static final ResultCodec<ResponseEntity<Payment>> PAYMENTS =
      ResponseEntityCodec.of(Jackson3ResultCodec.of(Payment.class));

  @Test
  void keepsStatusBodyAndTheChosenHeadersAndMarksTheReplay() {
    ResponseEntity<Payment> response =
        ResponseEntity.created(URI.create("/payments/p-1"))
            .contentType(MediaType.APPLICATION_JSON)
            .eTag("\"v1\"")
            .header("Set-Cookie", "session=secret")
            .header("X-Request-Cost", "3")
            .body(new Payment("p-1", 1250));

    ResponseEntity<Payment> replayed = PAYMENTS.decode(PAYMENTS.encode(response));

    assertThat(replayed.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(replayed.getBody()).isEqualTo(new Payment("p-1", 1250));
    assertThat(replayed.getHeaders().getLocation()).isEqualTo(URI.create("/payments/p-1"));
    assertThat(replayed.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
    assertThat(replayed.getHeaders().getETag()).isEqualTo("\"v1\"");
    assertThat(replayed.getHeaders().get(ResponseEntityCodec.REPLAYED_HEADER))
        .containsExactly("true");
    assertThat(replayed.getHeaders().containsHeader("Set-Cookie")).isFalse();
    assertThat(replayed.getHeaders().containsHeader("X-Request-Cost")).isFalse();
  }

  @Test
  void extraHeadersAreKeptCaseInsensitivelyWithAllTheirValues() {
    ResponseEntityCodec<String> codec =
        new ResponseEntityCodec<>(ResultCodecs.builtIn(String.class), List.of("x-request-cost"));
    ResponseEntity<String> response =
        ResponseEntity.ok().header("X-Request-Cost", "3", "4").body("done");

    ResponseEntity<String> replayed = codec.decode(codec.encode(response));

    assertThat(replayed.getHeaders().get("X-Request-Cost")).containsExactly("3", "4").inOrder();
    assertThat(codec.headers()).contains("x-request-cost");
    assertThrows(
        IllegalArgumentException.class,
        () -> new ResponseEntityCodec<>(ResultCodecs.builtIn(String.class), List.of("Idempotent-Replayed")));
  }

  @Test
  void theStoredFormIsTheDocumentedVersion1() {
    ResultCodec<ResponseEntity<String>> codec =
        ResponseEntityCodec.of(ResultCodecs.builtIn(String.class));
    byte[] stored = codec.encode(ResponseEntity.accepted().header("Location", "/l").body("ok"));
    // 'R', version 1, status 202, 1 header: "Location" with 1 value "/l", body present: "ok".
    assertThat(HexFormat.of().formatHex(stored))
        .isEqualTo(
            "5201"
                + "000000ca"
                + "00000001"
                + "00000008" + hex("Location")
                + "00000001"
                + "00000002" + hex("/l")
                + "01"
                + "00000002" + hex("ok"));
  }

  @Test
  void aResponseWithoutBodyAndVoid() {
    ResultCodec<ResponseEntity<Void>> codec = ResponseEntityCodec.withoutBody();
    ResponseEntity<Void> replayed = codec.decode(codec.encode(ResponseEntity.noContent().build()));
    assertThat(replayed.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
    assertThat(replayed.getBody()).isNull();
    assertThat(PAYMENTS.decode(PAYMENTS.encode(ResponseEntity.status(409).build())).getBody())
        .isNull();
  }

  @Test
  void anotherFormatOrVersionOrTruncatedBytesAreRefused() {
    IllegalArgumentException version =
        assertThrows(IllegalArgumentException.class, () -> PAYMENTS.decode(new byte[] {'R', 2}));
    assertThat(version).hasMessageThat().contains("not a stored ResponseEntity of version 1");
    byte[] stored = PAYMENTS.encode(ResponseEntity.ok(new Payment("p", 1)));
    byte[] truncated = java.util.Arrays.copyOf(stored, stored.length - 3);
    IllegalArgumentException cut =
        assertThrows(IllegalArgumentException.class, () -> PAYMENTS.decode(truncated));
    assertThat(cut).hasMessageThat().contains("truncated");
  }

  private static String hex(String text) {
    return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
  }
}
