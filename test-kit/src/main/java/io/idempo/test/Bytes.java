package io.idempo.test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A byte array as a value (a payload, a binary column): equal by content, shown as its UTF-8 text
 * when it is printable text and as hex otherwise.
 */
public final class Bytes {

  private final byte[] bytes;

  Bytes(byte[] bytes) {
    this.bytes = bytes.clone();
  }

  /** {@code bytes} as a value (copied). */
  public static Bytes of(byte[] bytes) {
    return new Bytes(bytes);
  }

  /** A copy of the bytes. */
  public byte[] toArray() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Bytes that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** {@code "text"} for printable UTF-8, {@code 0x0a1b…} otherwise. */
  @Override
  public String toString() {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      if (text.codePoints().allMatch(c -> c >= 0x20 || c == '\t' || c == '\n' || c == '\r')) {
        return '"' + text + '"';
      }
    } catch (CharacterCodingException e) {
      // Not text: shown as hex below.
    }
    return "0x" + HexFormat.of().formatHex(bytes);
  }
}
