package io.idempo.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the {@code IdempotencyStore} bean a handler bean's wrapper claims its keys in, when the
 * application defines more than one store. Without it, the wrapper gets the application's only
 * (or {@code @Primary}) {@code IdempotencyStore}.
 *
 * <pre>{@code
 * @Service
 * @UseIdempotencyStore("auditStore")
 * public class AuditHandler { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface UseIdempotencyStore {

  /** The bean name of the {@code IdempotencyStore}. */
  String value();
}
