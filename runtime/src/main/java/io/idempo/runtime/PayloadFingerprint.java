package io.idempo.runtime;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

/**
 * The SHA-256 digest of a message's or request's content, as named by {@code
 * IdempotentHandler#fingerprint()}: a store keeps it with the key, and a later delivery with the
 * same key and another fingerprint fails with {@link IdempotencyKeyReuseException}. Immutable.
 *
 * <p>Generated wrappers build it from the values at the fingerprint's paths, leaf by leaf, in the
 * order the processor lists them (records and beans expanded into their properties in declaration
 * order, list elements by index):
 * <pre>{@code
 * PayloadFingerprint fingerprint = PayloadFingerprint.builder()
 *     .add("request.amount", request.amount())
 *     .add("request.currency", request.currency())
 *     .build();
 * }</pre>
 *
 * <p><b>Canonical encoding, version 1</b> (stable across JVMs, platforms and Idempo versions; a
 * change would get a new version byte). The digest is SHA-256 over: the bytes {@code
 * "idempo-fingerprint"}, one version byte {@code 1}, then for each leaf: its path and its value,
 * each as a big-endian 4-byte length followed by that many bytes, the value preceded by one tag
 * byte. A null leaf is left out, path and all: a request without a value there has the same
 * fingerprint as one whose type has no such property, so adding a nullable property to a request
 * type does not change the fingerprints of requests recorded before (see {@code
 * docs/fingerprints.md}).
 * <ul>
 *   <li>{@code S}: a {@link CharSequence}, its UTF-8 bytes;
 *   <li>{@code Z}: a boolean, {@code true} or {@code false};
 *   <li>{@code C}: a char, its UTF-8 bytes;
 *   <li>{@code I}: a {@code byte}, {@code short}, {@code int}, {@code long} or {@link BigInteger},
 *       its decimal form ({@code -42});
 *   <li>{@code D}: a {@link BigDecimal}, its plain decimal form without trailing zeros, so that
 *       {@code 10.0} and {@code 10.00} are the same amount ({@code 10});
 *   <li>{@code F}: a {@code float} or {@code double}, {@link Float#toString(float)} or {@link
 *       Double#toString(double)};
 *   <li>{@code E}: an enum constant, its {@link Enum#name()};
 *   <li>{@code U}: a {@link UUID}, its lower-case {@code toString()};
 *   <li>{@code T}: a {@code java.time} value, its ISO-8601 {@code toString()};
 *   <li>{@code B}: a {@code byte[]}, its bytes;
 *   <li>{@code L}: the size of a list, collection or array, in decimal, recorded under the
 *       collection's own path before its elements (under {@code path[0]}, {@code path[1]}...).
 * </ul>
 *
 * <p>{@code docs/fingerprints.md} gives test vectors, computed apart from this class, and a script
 * that computes them from the bytes above; {@code PayloadFingerprintTest} checks them.
 */
public final class PayloadFingerprint {

  /** The digest's length in bytes. */
  public static final int LENGTH = 32;

  private static final byte[] PREFIX = "idempo-fingerprint".getBytes(StandardCharsets.US_ASCII);
  private static final byte VERSION = 1;
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] digest;

  private PayloadFingerprint(byte[] digest) {
    this.digest = digest;
  }

  /** Starts a fingerprint. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The fingerprint with the given digest, as a store reads it back.
   *
   * @throws IllegalArgumentException if {@code digest} is not {@value #LENGTH} bytes long
   */
  public static PayloadFingerprint ofDigest(byte[] digest) {
    Objects.requireNonNull(digest, "digest");
    if (digest.length != LENGTH) {
      throw new IllegalArgumentException(
          "a payload fingerprint is " + LENGTH + " bytes long, this one is " + digest.length);
    }
    return new PayloadFingerprint(digest.clone());
  }

  /** The SHA-256 digest, {@value #LENGTH} bytes; a copy. */
  public byte[] digest() {
    return digest.clone();
  }

  /** The digest in lower-case hex, 64 characters. */
  public String hex() {
    return HEX.formatHex(digest);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PayloadFingerprint that && Arrays.equals(digest, that.digest);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(digest);
  }

  /** {@code sha256:} and the first 12 hex digits, enough to tell two fingerprints apart in a log. */
  @Override
  public String toString() {
    return "sha256:" + hex().substring(0, 12);
  }

  /** Collects the leaves of a fingerprint in order. Not thread-safe; use it once. */
  public static final class Builder {
    private final ByteArrayOutputStream encoding = new ByteArrayOutputStream(128);

    private Builder() {
      encoding.writeBytes(PREFIX);
      encoding.write(VERSION);
    }

    /**
     * Adds the leaf at {@code path} with {@code value}, one of the types listed in the class
     * comment; a null {@code value} adds nothing.
     *
     * @throws IllegalArgumentException for a value of any other type
     */
    public Builder add(String path, Object value) {
      Objects.requireNonNull(path, "path");
      if (value == null) {
        return this;
      }
      writeChunk(path.getBytes(StandardCharsets.UTF_8));
      if (value instanceof CharSequence text) {
        writeText('S', text.toString());
      } else if (value instanceof Boolean bool) {
        writeText('Z', bool.toString());
      } else if (value instanceof Character character) {
        writeText('C', character.toString());
      } else if (value instanceof Byte
          || value instanceof Short
          || value instanceof Integer
          || value instanceof Long
          || value instanceof BigInteger) {
        writeText('I', value.toString());
      } else if (value instanceof BigDecimal decimal) {
        writeText('D', plain(decimal));
      } else if (value instanceof Float || value instanceof Double) {
        writeText('F', value.toString());
      } else if (value instanceof Enum<?> constant) {
        writeText('E', constant.name());
      } else if (value instanceof UUID uuid) {
        writeText('U', uuid.toString());
      } else if (value instanceof TemporalAccessor || value instanceof TemporalAmount) {
        writeText('T', value.toString());
      } else if (value instanceof byte[] bytes) {
        encoding.write('B');
        writeChunk(bytes);
      } else {
        throw new IllegalArgumentException(
            "a payload fingerprint cannot encode "
                + value.getClass().getName()
                + " at "
                + path
                + "; list its properties instead");
      }
      return this;
    }

    /**
     * Adds the size of the list, collection or array at {@code path}, before its elements; for a
     * null collection, add nothing ({@link #add add(path, null)}).
     */
    public Builder addSize(String path, int size) {
      Objects.requireNonNull(path, "path");
      writeChunk(path.getBytes(StandardCharsets.UTF_8));
      writeText('L', Integer.toString(size));
      return this;
    }

    /** The fingerprint of the leaves added so far. */
    public PayloadFingerprint build() {
      try {
        return new PayloadFingerprint(
            MessageDigest.getInstance("SHA-256").digest(encoding.toByteArray()));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java platform has SHA-256", e);
      }
    }

    private void writeText(int tag, String text) {
      encoding.write(tag);
      writeChunk(text.getBytes(StandardCharsets.UTF_8));
    }

    private void writeChunk(byte[] bytes) {
      int length = bytes.length;
      encoding.write(length >>> 24);
      encoding.write(length >>> 16);
      encoding.write(length >>> 8);
      encoding.write(length);
      encoding.writeBytes(bytes);
    }

    private static String plain(BigDecimal decimal) {
      return decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toPlainString();
    }
  }
}
