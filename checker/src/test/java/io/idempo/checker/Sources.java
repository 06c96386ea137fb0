package io.idempo.checker;

import com.google.errorprone.CompilationTestHelper;

/** Shared test sources: Idempo's annotation, declared by name as the check knows it. */
final class Sources {

  private Sources() {}

  /** A helper for the check with the given flags, with {@code @IdempotentHandler} on its path. */
  static CompilationTestHelper helper(Class<?> test, String... flags) {
    return CompilationTestHelper.newInstance(NonIdempotentMutation.class, test)
        .addSourceLines(
            "IdempotentHandler.java",
            "package io.idempo;",
            "public @interface IdempotentHandler { String key() default \"\"; }")
        .setArgs(flags);
  }
}
