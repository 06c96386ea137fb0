package io.idempo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IdempotentHandlerTest {

  static class Handler {
    @IdempotentHandler(key = "event.id")
    void handle(Object event) {}

    @IdempotentHandler
    void handleKeyed(@IdempotencyKey String id) {}
  }

  @Test
  void isVisibleAtRunTimeOnMethods() throws Exception {
    Method method = Handler.class.getDeclaredMethod("handle", Object.class);
    IdempotentHandler annotation = method.getAnnotation(IdempotentHandler.class);
    assertNotNull(annotation);
    assertEquals("event.id", annotation.key());
    assertEquals(RetentionPolicy.RUNTIME, IdempotentHandler.class.getAnnotation(Retention.class).value());
    assertEquals(
        ElementType.METHOD, IdempotentHandler.class.getAnnotation(Target.class).value()[0]);
  }

  @Test
  void defaultsAreTheDocumentedOnes() throws Exception {
    IdempotentHandler annotation =
        Handler.class
            .getDeclaredMethod("handleKeyed", String.class)
            .getAnnotation(IdempotentHandler.class);
    assertEquals("", annotation.key());
    assertEquals("", annotation.name());
    assertEquals(Duration.ofDays(7), Duration.parse(annotation.ttl()));
    assertEquals(Duration.ofMinutes(5), Duration.parse(annotation.lease()));
    assertEquals(IdempotentHandler.Mode.TRANSACTIONAL, annotation.mode());
    assertEquals(void.class, annotation.codec());
  }

  @Test
  void keyMarksParameters() throws Exception {
    Method method = Handler.class.getDeclaredMethod("handleKeyed", String.class);
    assertNotNull(method.getParameters()[0].getAnnotation(IdempotencyKey.class));
    assertEquals(
        ElementType.PARAMETER, IdempotencyKey.class.getAnnotation(Target.class).value()[0]);
  }
}
