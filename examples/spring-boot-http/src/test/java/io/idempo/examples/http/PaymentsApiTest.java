package io.idempo.examples.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The API on a real server (random port, in-memory H2), driven as docs/http.md's quick start drives
 * it: a retry replays, another body with the key is 422, no key is 400.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PaymentsApiTest {

  private static final String BODY =
      "{\"customer\":\"cus_42\",\"amountCents\":1250,\"currency\":\"EUR\"}";

  @LocalServerPort int port;
  @Autowired Payments payments;
  @Autowired PaymentsController controller;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theControllerIsItsWrapper() {
    assertThat(controller.getClass().getSimpleName()).isEqualTo("IdempotentPaymentsController");
  }

  @Test
  void aRetryGetsTheSamePaymentAndAnotherBodyIsRefused() throws Exception {
    long before = payments.count();
    HttpResponse<String> first = post("pay-order-1001", BODY);
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
    String location = first.headers().firstValue("Location").orElseThrow();

    HttpResponse<String> retry = post("pay-order-1001", BODY);
    assertThat(retry.statusCode()).isEqualTo(201);
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(retry.headers().firstValue("Location")).hasValue(location);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(payments.count()).isEqualTo(before + 1);

    HttpResponse<String> changed =
        post("pay-order-1001", BODY.replace("1250", "9900"));
    assertThat(changed.statusCode()).isEqualTo(422);
    assertThat(changed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(changed.body()).contains("\"type\":\"urn:idempo:problem:key-reused\"");

    HttpResponse<String> read =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + location)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).isEqualTo(first.body());
    assertThat(payments.count()).isEqualTo(before + 1);
  }

  @Test
  void noKeyIs400() throws Exception {
    HttpResponse<String> response = post(null, BODY);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"type\":\"urn:idempo:problem:key-missing\"");
  }

  private HttpResponse<String> post(String key, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/payments"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
