package com.acme.payments;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Like Bean Validation's constraints: applies to the parameter and to its type. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.TYPE_USE})
public @interface NotBlank {
  String message() default "must not be blank";

  Mode mode() default Mode.TRIMMED;

  /** How blank is judged. */
  enum Mode {
    TRIMMED,
    STRICT
  }
}
