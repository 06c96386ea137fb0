package io.idempo.spring.http;

import static com.google.common.truth.Truth.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.idempo.spring.web.IdempotencyProblemAdvice;
import io.idempo.spring.web.ResponseEntityCodec;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * An idempotent {@code POST /payments} in a Spring Boot application on one database, through
 * MockMvc and through a real embedded Tomcat on a random port: the first request runs, a retry gets
 * the recorded response with {@code Idempotent-Replayed: true}, a missing or malformed key is a 400
 * problem detail, a failed request leaves its key free, and concurrent retries of one key run the
 * controller once. Subclasses choose the database.
 */
@SpringBootTest(
    classes = HttpApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.sql.init.schema-locations=classpath:http/schema.sql",
      "spring.datasource.hikari.maximum-pool-size=12",
      // A retry waits this long on the first request's row lock before it is answered 409.
      "idempo.jdbc.lock-timeout=1s"
    })
@AutoConfigureMockMvc
abstract class HttpEndpointContract {

  private static final String BODY = "{\"customer\":\"alice\",\"amount\":1250}";

  @Autowired MockMvc mvc;
  @Autowired PaymentController controller;
  @Autowired JdbcTemplate jdbc;
  @LocalServerPort int port;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void reset() {
    controller.reset();
    jdbc.update("DELETE FROM http_payment");
  }

  @Test
  void theControllerBeanIsTheWrapper() {
    assertThat(controller.getClass().getSimpleName()).isEqualTo("IdempotentPaymentController");
  }

  @Test
  void aRetryGetsTheRecordedStatusBodyAndLocationMarkedAsReplayed() throws Exception {
    MvcResult first =
        mvc.perform(payment("key-replay", BODY))
            .andExpect(status().isCreated())
            .andExpect(header().doesNotExist(ResponseEntityCodec.REPLAYED_HEADER))
            .andExpect(header().string("X-Request-Cost", "3"))
            .andExpect(jsonPath("$.customer").value("alice"))
            .andExpect(jsonPath("$.amount").value(1250))
            .andReturn();
    String location = first.getResponse().getHeader("Location");
    String body = first.getResponse().getContentAsString();
    assertThat(location).startsWith("/payments/");

    mvc.perform(payment("key-replay", BODY))
        .andExpect(status().isCreated())
        .andExpect(header().string(ResponseEntityCodec.REPLAYED_HEADER, "true"))
        .andExpect(header().string("Location", location))
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
        .andExpect(content().json(body, org.springframework.test.json.JsonCompareMode.STRICT))
        // Not among the headers the codec keeps.
        .andExpect(header().doesNotExist("X-Request-Cost"));

    assertThat(controller.executions()).isEqualTo(1);
    assertThat(payments()).isEqualTo(1);
  }

  @Test
  void theSameKeyWithAnotherBodyIs422ProblemDetail() throws Exception {
    mvc.perform(payment("key-reused", BODY)).andExpect(status().isCreated());
    mvc.perform(payment("key-reused", "{\"customer\":\"alice\",\"amount\":9999}"))
        .andExpect(status().isUnprocessableContent())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.type").value(IdempotencyProblemAdvice.REUSED))
        .andExpect(jsonPath("$.title").value("Idempotency key reused"))
        .andExpect(jsonPath("$.status").value(422))
        .andExpect(jsonPath("$.idempotencyKey").value("key-reused"))
        .andExpect(
            jsonPath("$.detail")
                .value(
                    "Idempotency key 'key-reused' was first used with a different request. If"
                        + " this is a retry, send the original request unchanged; only a new,"
                        + " different request needs a new key."))
        // Byte for byte, as docs/http.md shows it (the property order is Jackson's, not RFC 9457's).
        .andExpect(
            content()
                .string(
                    "{\"detail\":\"Idempotency key 'key-reused' was first used with a different"
                        + " request. If this is a retry, send the original request unchanged; only"
                        + " a new, different request needs a new key.\",\"instance\":\"/payments\","
                        + "\"status\":422,\"title\":\"Idempotency key reused\","
                        + "\"type\":\"urn:idempo:problem:key-reused\","
                        + "\"idempotencyKey\":\"key-reused\"}"));
    // Same content, other JSON spelling (order of properties): the same request, replayed.
    mvc.perform(payment("key-reused", "{\"amount\":1250,\"customer\":\"alice\"}"))
        .andExpect(status().isCreated())
        .andExpect(header().string(ResponseEntityCodec.REPLAYED_HEADER, "true"));
    assertThat(controller.executions()).isEqualTo(1);
    assertThat(payments()).isEqualTo(1);
  }

  @Test
  void anotherKeyRunsAgain() throws Exception {
    mvc.perform(payment("key-a", BODY)).andExpect(status().isCreated());
    mvc.perform(payment("key-b", BODY))
        .andExpect(status().isCreated())
        .andExpect(header().doesNotExist(ResponseEntityCodec.REPLAYED_HEADER));
    assertThat(controller.executions()).isEqualTo(2);
    assertThat(payments()).isEqualTo(2);
  }

  @Test
  void aMissingKeyIs400ProblemDetail() throws Exception {
    mvc.perform(
            post("/payments").contentType(MediaType.APPLICATION_JSON).content(BODY))
        .andExpect(status().isBadRequest())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.type").value(IdempotencyProblemAdvice.MISSING))
        .andExpect(jsonPath("$.title").value("Idempotency key missing"))
        .andExpect(jsonPath("$.status").value(400))
        .andExpect(
            jsonPath("$.detail")
                .value(
                    "This endpoint requires the Idempotency-Key header: a unique value per"
                        + " request, such as a UUID, sent again unchanged with each retry of that"
                        + " request."))
        .andExpect(jsonPath("$.instance").value("/payments"));
    assertThat(controller.executions()).isEqualTo(0);
  }

  @Test
  void aTooLongKeyIs400ProblemDetail() throws Exception {
    mvc.perform(payment("k".repeat(256), BODY))
        .andExpect(
            Problems.badRequest(
                IdempotencyProblemAdvice.MALFORMED,
                "The Idempotency-Key header is not a valid key: it is 256 characters long,"
                    + " longer than 255. A key is 1 to 255 printable ASCII characters, such as"
                    + " a UUID."));
    mvc.perform(payment("k".repeat(255), BODY)).andExpect(status().isCreated());
    assertThat(controller.executions()).isEqualTo(1);
  }

  @Test
  void aKeyWithAControlCharacterOrBlankIs400ProblemDetail() throws Exception {
    mvc.perform(payment("key\u0007bell", BODY))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value(IdempotencyProblemAdvice.MALFORMED))
        .andExpect(
            jsonPath("$.detail")
                .value(
                    "The Idempotency-Key header is not a valid key: it contains a character that"
                        + " is not printable ASCII, at index 3. A key is 1 to 255 printable ASCII"
                        + " characters, such as a UUID."));
    mvc.perform(payment("   ", BODY))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value(IdempotencyProblemAdvice.MALFORMED))
        .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("it is empty")));
    assertThat(controller.executions()).isEqualTo(0);
  }

  @Test
  void aControlCharacterOtherThanTabNeverReachesIdempoOnARealServer() throws Exception {
    // Tomcat refuses the header itself, with its own 400 page: no problem detail, no claim.
    for (String key : List.of("key\u0001soh", "key\u007fdel")) {
      String response = sendRaw(key);
      assertThat(response).startsWith("HTTP/1.1 400");
      assertThat(response).contains("Content-Type: text/html");
      assertThat(response).doesNotContain("application/problem+json");
    }
    // A tab inside the value does reach the check, which refuses it as not printable ASCII.
    String tab = sendRaw("key\ttab");
    assertThat(tab).startsWith("HTTP/1.1 400");
    assertThat(tab).contains("application/problem+json");
    assertThat(tab).contains(IdempotencyProblemAdvice.MALFORMED);
    assertThat(controller.executions()).isEqualTo(0);
  }

  @Test
  void aFailedRequestLeavesNothingAndItsRetryRunsAgain() throws Exception {
    controller.failNext(1);
    HttpResponse<String> failed = send("key-fail", BODY);
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(payments()).isEqualTo(0); // rolled back with the claim

    HttpResponse<String> retry = send("key-fail", BODY);
    assertThat(retry.statusCode()).isEqualTo(201);
    assertThat(retry.headers().firstValue(ResponseEntityCodec.REPLAYED_HEADER)).isEmpty();
    assertThat(controller.executions()).isEqualTo(2);
    assertThat(payments()).isEqualTo(1);

    HttpResponse<String> replay = send("key-fail", BODY);
    assertThat(replay.statusCode()).isEqualTo(201);
    assertThat(replay.headers().firstValue(ResponseEntityCodec.REPLAYED_HEADER)).hasValue("true");
    assertThat(replay.body()).isEqualTo(retry.body());
    assertThat(controller.executions()).isEqualTo(2);
  }

  @Test
  void aRetryWhileTheFirstStillRunsPastTheLockTimeoutIs409WithRetryAfter() throws Exception {
    controller.delay(4000);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<HttpResponse<String>> first = pool.submit(() -> send("key-slow", BODY));
      while (controller.executions() == 0) {
        Thread.sleep(10);
      }
      HttpResponse<String> retry = send("key-slow", BODY);
      assertThat(retry.statusCode()).isEqualTo(409);
      assertThat(retry.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(retry.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(retry.body()).contains("\"type\":\"" + IdempotencyProblemAdvice.IN_PROGRESS + "\"");
      assertThat(retry.body()).contains("\"idempotencyKey\":\"key-slow\"");
      assertThat(retry.body())
          .contains(
              "A request with idempotency key 'key-slow' is still being processed. Retry with the"
                  + " same key and the same body after it completes: the retry gets its"
                  + " response.");
      // Nothing internal reaches the client: no handler or class names.
      assertThat(retry.body()).doesNotContain("PaymentController");

      assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
      HttpResponse<String> later = send("key-slow", BODY);
      assertThat(later.statusCode()).isEqualTo(201);
      assertThat(later.headers().firstValue(ResponseEntityCodec.REPLAYED_HEADER)).hasValue("true");
      assertThat(controller.executions()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void inLeaseModeARetryWhileTheFirstRunsIs409AtOnce() throws Exception {
    controller.delay(3000);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<HttpResponse<String>> first = pool.submit(() -> send("/transfers", "key-lease", ""));
      while (controller.executions() == 0) {
        Thread.sleep(10);
      }
      long start = System.nanoTime();
      HttpResponse<String> retry = send("/transfers", "key-lease", "");
      assertThat(retry.statusCode()).isEqualTo(409);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
      assertThat(retry.body()).contains(IdempotencyProblemAdvice.IN_PROGRESS);

      HttpResponse<String> done = first.get(30, TimeUnit.SECONDS);
      assertThat(done.statusCode()).isEqualTo(202);
      assertThat(done.body()).isEqualTo("transfer key-lease");
      HttpResponse<String> replay = send("/transfers", "key-lease", "");
      assertThat(replay.statusCode()).isEqualTo(202);
      assertThat(replay.body()).isEqualTo("transfer key-lease");
      assertThat(replay.headers().firstValue(ResponseEntityCodec.REPLAYED_HEADER)).hasValue("true");
      assertThat(controller.executions()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentRetriesOfOneKeyRunTheControllerOnce() throws Exception {
    int clients = 8;
    controller.delay(400);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        Callable<HttpResponse<String>> request =
            () -> {
              start.await();
              return send("key-concurrent", BODY);
            };
        futures.add(pool.submit(request));
      }
      start.countDown();
      List<HttpResponse<String>> created = new ArrayList<>();
      int conflicts = 0;
      for (Future<HttpResponse<String>> future : futures) {
        HttpResponse<String> response = future.get(30, TimeUnit.SECONDS);
        if (response.statusCode() == 409) {
          conflicts++;
          assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
          assertThat(response.body()).contains(IdempotencyProblemAdvice.IN_PROGRESS);
        } else {
          assertThat(response.statusCode()).isEqualTo(201);
          created.add(response);
        }
      }
      assertThat(controller.executions()).isEqualTo(1);
      assertThat(payments()).isEqualTo(1);
      assertThat(created.size() + conflicts).isEqualTo(clients);
      assertThat(created).isNotEmpty();
      long firsts =
          created.stream()
              .filter(r -> r.headers().firstValue(ResponseEntityCodec.REPLAYED_HEADER).isEmpty())
              .count();
      assertThat(firsts).isEqualTo(1);
      for (HttpResponse<String> response : created) {
        assertThat(response.body()).isEqualTo(created.get(0).body());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static MockHttpServletRequestBuilder payment(String key, String body) {
    return post("/payments")
        .header("Idempotency-Key", key)
        .contentType(MediaType.APPLICATION_JSON)
        .content(body);
  }

  HttpResponse<String> send(String key, String body) throws Exception {
    return send("/payments", key, body);
  }

  HttpResponse<String> send(String path, String key, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Idempotency-Key", key)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Sends a payment with {@code key} as is, over a socket, and returns the whole response. */
  private String sendRaw(String key) throws Exception {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(30_000);
      String request =
          "POST /payments HTTP/1.1\r\nHost: localhost\r\nIdempotency-Key: "
              + key
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + BODY.length()
              + "\r\nConnection: close\r\n\r\n"
              + BODY;
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  int payments() {
    return jdbc.queryForObject("SELECT COUNT(*) FROM http_payment", Integer.class);
  }
}
