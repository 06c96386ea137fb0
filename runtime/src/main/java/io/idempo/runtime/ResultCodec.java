package io.idempo.runtime;

/**
 * Turns a handler's result into bytes for the store, and back, so that a duplicate delivery can
 * return the same result as the first one.
 *
 * <p>Return types without a built-in codec (see {@link ResultCodecs}) are stored as JSON when the
 * application compiles with Jackson (see {@link io.idempo.runtime.json}). Otherwise, or to store
 * them differently, implement this interface and name the class in {@code
 * @IdempotentHandler(codec = ...)}. The class needs a public no-argument constructor. {@code decode(encode(v))} must equal {@code v}, and
 * decoding must not be able to instantiate arbitrary classes: never use Java serialization.
 *
 * <p>{@code null} never reaches an implementation: wrappers store a null result as no bytes (see
 * {@link ResultCodecs#nullSafe}).
 *
 * @param <T> the handler's return type
 */
public interface ResultCodec<T> {

  /** Encodes a non-null result. */
  byte[] encode(T value);

  /** Decodes bytes written by {@link #encode}. */
  T decode(byte[] bytes);
}
