package io.idempo.spring.http;

import static com.google.common.truth.Truth.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.idempo.spring.web.IdempotencyProblemAdvice;
import io.idempo.spring.web.ResponseEntityCodec;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The key check applies to the header each handler reads its key from, whatever its name, and to
 * no other header; a key from a path variable or the body gets no header check.
 */
@SpringBootTest(
    classes = HttpApplication.class,
    properties = "spring.sql.init.schema-locations=classpath:http/schema.sql")
@AutoConfigureMockMvc
class KeyHeaderTest {

  @Autowired MockMvc mvc;
  @Autowired OrderController orders;

  @Test
  void aMissingCustomKeyHeaderIs400ProblemDetailNamingIt() throws Exception {
    int before = orders.executions();
    mvc.perform(post("/orders"))
        .andExpect(
            Problems.badRequest(
                IdempotencyProblemAdvice.MISSING,
                "This endpoint requires the X-Request-Id header: a unique value per request,"
                    + " such as a UUID, sent again unchanged with each retry of that"
                    + " request."));
    assertThat(orders.executions()).isEqualTo(before);
  }

  @Test
  void aTooLongCustomKeyHeaderIs400ProblemDetailNamingIt() throws Exception {
    int before = orders.executions();
    mvc.perform(post("/orders").header("X-Request-Id", "r".repeat(300)))
        .andExpect(
            Problems.badRequest(
                IdempotencyProblemAdvice.MALFORMED,
                "The X-Request-Id header is not a valid key: it is 300 characters long,"
                    + " longer than 255. A key is 1 to 255 printable ASCII characters, such as"
                    + " a UUID."));
    assertThat(orders.executions()).isEqualTo(before);
  }

  @Test
  void aNonAsciiCustomKeyHeaderIs400ProblemDetail() throws Exception {
    int before = orders.executions();
    mvc.perform(post("/orders").header("X-Request-Id", "zahlung-ä"))
        .andExpect(
            Problems.badRequest(
                IdempotencyProblemAdvice.MALFORMED,
                "The X-Request-Id header is not a valid key: it contains a character that is"
                    + " not printable ASCII, at index 8. A key is 1 to 255 printable ASCII"
                    + " characters, such as a UUID."));
    assertThat(orders.executions()).isEqualTo(before);
  }

  @Test
  void aValidCustomKeyHeaderRunsOnceAndIsReplayed() throws Exception {
    String body =
        mvc.perform(post("/orders").header("X-Request-Id", "order-1"))
            .andExpect(status().isCreated())
            .andExpect(header().doesNotExist(ResponseEntityCodec.REPLAYED_HEADER))
            .andReturn()
            .getResponse()
            .getContentAsString();
    assertThat(body).startsWith("order order-1 #");
    int after = orders.executions();
    mvc.perform(post("/orders").header("X-Request-Id", "order-1"))
        .andExpect(status().isCreated())
        .andExpect(header().string(ResponseEntityCodec.REPLAYED_HEADER, "true"))
        .andExpect(content().string(body));
    assertThat(orders.executions()).isEqualTo(after);
  }

  @Test
  void anIdempotencyKeyParameterIsCheckedUnderItsHeaderName() throws Exception {
    mvc.perform(post("/refunds").header("X-Refund-Key", "\u00e9"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value(IdempotencyProblemAdvice.MALFORMED))
        .andExpect(
            jsonPath("$.detail").value(org.hamcrest.Matchers.startsWith("The X-Refund-Key header")));
    mvc.perform(post("/refunds").header("X-Refund-Key", "refund-1"))
        .andExpect(status().isCreated());
    mvc.perform(post("/refunds").header("X-Refund-Key", "refund-1"))
        .andExpect(status().isCreated())
        .andExpect(header().string(ResponseEntityCodec.REPLAYED_HEADER, "true"));
  }

  @Test
  void anOptionalKeyHeaderThatIsMissingIs400NamingIt() throws Exception {
    int before = orders.executions();
    // required = false: the check lets it through, and the wrapper refuses the null key.
    mvc.perform(post("/refunds"))
        .andExpect(
            Problems.badRequest(
                IdempotencyProblemAdvice.MISSING,
                "The request carries no idempotency key. Send a unique value per request,"
                    + " such as a UUID, in the X-Refund-Key header, and the same value with"
                    + " each retry."));
    assertThat(orders.executions()).isEqualTo(before);
  }

  @Test
  void aRequestHeaderWithoutANameIsTheParameterName() throws Exception {
    mvc.perform(post("/notes"))
        .andExpect(status().isBadRequest())
        .andExpect(
            jsonPath("$.detail")
                .value(org.hamcrest.Matchers.startsWith("This endpoint requires the noteKey header")));
    mvc.perform(post("/notes").header("noteKey", "n".repeat(256)))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value(IdempotencyProblemAdvice.MALFORMED));
    mvc.perform(post("/notes").header("noteKey", "note-1")).andExpect(status().isCreated());
  }

  @Test
  void aKeyFromAPathVariableGetsNoHeaderCheck() throws Exception {
    // X-Trace is read with @RequestHeader but is not the key: a long value is fine.
    mvc.perform(post("/orders/o-7/cancel").header("X-Trace", "t".repeat(300)))
        .andExpect(status().isOk())
        .andExpect(content().string(org.hamcrest.Matchers.startsWith("cancel o-7 #")));
    // And a missing one is Spring's own 400, not a key problem.
    mvc.perform(post("/orders/o-8/cancel")).andExpect(status().isBadRequest());
  }

  @Test
  void aBlankKeyFromTheBodyIs400KeyMissing() throws Exception {
    int before = orders.executions();
    mvc.perform(
            post("/deposits")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"customer\":\" \",\"amount\":5}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.type").value(IdempotencyProblemAdvice.MISSING))
        .andExpect(
            jsonPath("$.detail")
                .value(
                    "The request carries no idempotency key. Send a unique value per request,"
                        + " such as a UUID, where this endpoint documents it, and the same value"
                        + " with each retry."));
    assertThat(orders.executions()).isEqualTo(before);
  }
}
