package io.idempo.runtime;

/**
 * Checks on a result replayed to a duplicate delivery, called by generated wrappers so that the
 * check lives here once instead of in every wrapper.
 */
public final class ReplayedResults {

  private ReplayedResults() {}

  /**
   * Returns {@code decoded}, the result recorded for a handler method whose return type is the
   * primitive {@code returnType} (such as {@code long}), which therefore cannot be null.
   *
   * @throws IdempotencyStoreException if {@code decoded} is null: a completed claim of such a
   *     handler always records a result, so the store lost it, and an unboxing {@code
   *     NullPointerException} would hide that
   */
  public static <T> T ofPrimitive(T decoded, HandlerDescriptor handler, String returnType) {
    if (decoded == null) {
      throw new IdempotencyStoreException(
          "the store recorded no result for handler "
              + handler.name()
              + ", whose return type "
              + returnType
              + " cannot be null");
    }
    return decoded;
  }
}
