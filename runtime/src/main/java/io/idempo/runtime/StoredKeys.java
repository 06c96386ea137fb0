package io.idempo.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How every store turns a message's key into the key it stores, so that the same key means the same
 * record in every store.
 *
 * <ul>
 *   <li>A null or blank key is refused with {@link IdempotencyKeyException#blank}.
 *   <li>A key that is not well-formed UTF-16 (an unpaired surrogate) is refused with {@link
 *       IdempotencyKeyException}: it has no stable byte form.
 *   <li>A key of at most {@link #MAX_LENGTH} characters without a NUL character is stored as is.
 *   <li>Any other key is stored as {@code sha256:} followed by the 64 lower-case hex digits of the
 *       SHA-256 digest of its UTF-8 bytes (71 characters). Such keys still deduplicate exactly;
 *       only the table shows the digest instead of the key. PostgreSQL cannot store NUL in text,
 *       hence the second rule.
 * </ul>
 */
public final class StoredKeys {

  /** The longest key stored as is; the key column holds this many characters. */
  public static final int MAX_LENGTH = 255;

  /** The longest handler name a store accepts; the handler name column holds this many. */
  public static final int MAX_HANDLER_NAME_LENGTH = 255;

  /** The prefix of a digested key. */
  public static final String DIGEST_PREFIX = "sha256:";

  private StoredKeys() {}

  /**
   * The key to store for {@code key}, a delivery of {@code handler}.
   *
   * @throws IdempotencyKeyException if {@code key} is null, blank or not well-formed UTF-16
   * @throws IllegalArgumentException if the handler's name is longer than {@link
   *     #MAX_HANDLER_NAME_LENGTH}
   */
  public static String storedKey(HandlerDescriptor handler, String key) {
    if (handler.name().length() > MAX_HANDLER_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "handler name is longer than "
              + MAX_HANDLER_NAME_LENGTH
              + " characters: "
              + handler.name()
              + "; give the handler a shorter @IdempotentHandler(name = ...)");
    }
    if (key == null || key.isBlank()) {
      throw IdempotencyKeyException.blank(handler);
    }
    boolean digest = key.length() > MAX_LENGTH;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '\0') {
        digest = true;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < key.length()
          && Character.isLowSurrogate(key.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IdempotencyKeyException(
            "idempotency key of handler "
                + handler.name()
                + " is not well-formed text: unpaired surrogate at index "
                + i
                + " (key path "
                + handler.keyPath()
                + ")");
      }
    }
    return digest ? digest(key) : key;
  }

  private static String digest(String key) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return DIGEST_PREFIX
          + HexFormat.of().formatHex(sha256.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-256", e);
    }
  }
}
