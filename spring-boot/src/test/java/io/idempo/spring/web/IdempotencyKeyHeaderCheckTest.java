package io.idempo.spring.web;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.spring.http.OrderController;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.method.HandlerMethod;

/**
 * Which header the check reads when the class files have no parameter names: a key path cannot be
 * mapped to its parameter (not checked, with a warning), a named {@code @IdempotencyKey} header
 * still can.
 */
class IdempotencyKeyHeaderCheckTest {

  /** A discoverer for class files compiled without {@code -parameters}. */
  private static final ParameterNameDiscoverer NO_NAMES =
      new DefaultParameterNameDiscoverer() {
        @Override
        public String[] getParameterNames(Method method) {
          return null;
        }
      };

  private final OrderController orders = new OrderController();

  @Test
  void withoutParameterNamesAKeyPathIsNotMappedToItsHeader() throws Exception {
    HandlerMethod order = new HandlerMethod(orders, "order", String.class);
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/orders");
    request.addHeader("X-Request-Id", "r".repeat(300));

    assertThat(new IdempotencyKeyHeaderCheck(255, NO_NAMES).preHandle(request, response(), order))
        .isTrue();
    IdempotencyKeyHeaderException withNames =
        assertThrows(
            IdempotencyKeyHeaderException.class,
            () -> new IdempotencyKeyHeaderCheck(255).preHandle(request, response(), order));
    assertThat(withNames.header()).isEqualTo("X-Request-Id");
    assertThat(withNames)
        .hasMessageThat()
        .isEqualTo(
            "request to POST /orders (OrderController#order) has a malformed X-Request-Id: it is"
                + " 300 characters long, longer than 255");
  }

  @Test
  void withoutParameterNamesANamedIdempotencyKeyHeaderIsStillChecked() throws Exception {
    HandlerMethod refund = new HandlerMethod(orders, "refund", String.class);
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/refunds");
    request.addHeader("X-Refund-Key", "\u00e9");

    IdempotencyKeyHeaderException e =
        assertThrows(
            IdempotencyKeyHeaderException.class,
            () -> new IdempotencyKeyHeaderCheck(255, NO_NAMES).preHandle(request, response(), refund));
    assertThat(e.header()).isEqualTo("X-Refund-Key");
    assertThat(e.isMissing()).isFalse();
  }

  private static MockHttpServletResponse response() {
    return new MockHttpServletResponse();
  }
}
