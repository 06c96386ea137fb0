package io.idempo.spring.web;

import io.idempo.runtime.ResultCodec;
import io.idempo.runtime.ResultCodecs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/**
 * Stores a controller's {@link ResponseEntity}: its status, the headers listed below and its body
 * (through a body codec), so that a retry with the same {@code Idempotency-Key} gets the same
 * response. The processor chooses it for a handler method that returns {@code ResponseEntity<B>}
 * when this class is on the compile class path, with the body codec it would choose for {@code B}:
 * {@code ResponseEntityCodec.of(Jackson3ResultCodec.of(Payment.class))}, or {@link #withoutBody()}
 * for {@code ResponseEntity<Void>}.
 *
 * <p>A decoded (replayed) response carries {@value #REPLAYED_HEADER}{@code : true}, as Stripe's
 * replays do; the first response does not.
 *
 * <p><b>Headers kept:</b> {@link #DEFAULT_HEADERS} ({@code Location}, {@code Content-Type}, {@code
 * Content-Language}, {@code Content-Location}, {@code ETag}, {@code Last-Modified}, {@code Link}),
 * plus the extra names given to the constructor. Other headers of the first response are not
 * replayed: per-response headers such as {@code Set-Cookie} or {@code Date} must not be. To keep
 * more, name a codec of your own in {@code @IdempotentHandler(codec = ...)}:
 *
 * <pre>{@code
 * public final class PaymentResponses extends ResponseEntityCodec<Payment> {
 *   public PaymentResponses() {
 *     super(Jackson3ResultCodec.of(Payment.class), List.of("X-Fee-Amount"));
 *   }
 * }
 * }</pre>
 *
 * <p><b>Stored form, version 1</b> (stable; a change gets a new version byte; no Java
 * serialization): the byte {@code 'R'}, the version byte {@code 1}, the status as a big-endian
 * 4-byte int, the number of kept headers (4 bytes), and for each header its name and the number of
 * its values (4 bytes) followed by the values, then one byte {@code 0} (no body) or {@code 1}
 * followed by the body codec's bytes. Each name, value and body is a big-endian 4-byte length
 * followed by that many bytes; names and values are UTF-8.
 *
 * @param <B> the body type
 */
public class ResponseEntityCodec<B> implements ResultCodec<ResponseEntity<B>> {

  /** The header that marks a replayed response, with the value {@code true}. */
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  /** The headers every {@code ResponseEntityCodec} keeps, in the order they are stored. */
  public static final List<String> DEFAULT_HEADERS =
      List.of(
          HttpHeaders.LOCATION,
          HttpHeaders.CONTENT_TYPE,
          HttpHeaders.CONTENT_LANGUAGE,
          HttpHeaders.CONTENT_LOCATION,
          HttpHeaders.ETAG,
          HttpHeaders.LAST_MODIFIED,
          HttpHeaders.LINK);

  private static final byte FORMAT = 'R';
  private static final byte VERSION = 1;

  private final ResultCodec<B> body;
  private final List<String> headers;

  /**
   * Keeps {@link #DEFAULT_HEADERS} and {@code extraHeaders} (case-insensitive names), and encodes
   * the body with {@code body}.
   *
   * @throws IllegalArgumentException if an extra header is blank or {@value #REPLAYED_HEADER}
   */
  public ResponseEntityCodec(ResultCodec<B> body, Collection<String> extraHeaders) {
    this.body = ResultCodecs.nullSafe(Objects.requireNonNull(body, "body"));
    List<String> kept = new ArrayList<>(DEFAULT_HEADERS);
    for (String name : extraHeaders) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a header to keep needs a name, got '" + name + "'");
      }
      if (name.equalsIgnoreCase(REPLAYED_HEADER)) {
        throw new IllegalArgumentException(
            REPLAYED_HEADER + " is added to every replayed response; do not list it");
      }
      if (kept.stream().noneMatch(name::equalsIgnoreCase)) {
        kept.add(name);
      }
    }
    this.headers = List.copyOf(kept);
  }

  /** The null-safe codec of a {@code ResponseEntity<B>} with {@link #DEFAULT_HEADERS}. */
  public static <B> ResultCodec<ResponseEntity<B>> of(ResultCodec<B> body) {
    return ResultCodecs.nullSafe(new ResponseEntityCodec<>(body, List.of()));
  }

  /**
   * The null-safe codec of a {@code ResponseEntity<Void>} with {@link #DEFAULT_HEADERS}: status
   * and headers only.
   */
  public static ResultCodec<ResponseEntity<Void>> withoutBody() {
    return ResultCodecs.nullSafe(new ResponseEntityCodec<>(new NoBody(), List.of()));
  }

  /** The names of the headers this codec keeps, as stored. */
  public final List<String> headers() {
    return headers;
  }

  @Override
  public final byte[] encode(ResponseEntity<B> value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeByte(VERSION);
      out.writeInt(value.getStatusCode().value());
      HttpHeaders from = value.getHeaders();
      List<String> present = new ArrayList<>();
      for (String name : headers) {
        List<String> values = from.get(name);
        if (values != null && !values.isEmpty()) {
          present.add(name);
        }
      }
      out.writeInt(present.size());
      for (String name : present) {
        List<String> values = from.get(name);
        writeChunk(out, name.getBytes(StandardCharsets.UTF_8));
        out.writeInt(values.size());
        for (String headerValue : values) {
          writeChunk(out, headerValue.getBytes(StandardCharsets.UTF_8));
        }
      }
      B entity = value.getBody();
      if (entity == null) {
        out.writeByte(0);
      } else {
        out.writeByte(1);
        writeChunk(out, body.encode(entity));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return bytes.toByteArray();
  }

  @Override
  public final ResponseEntity<B> decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte format = in.readByte();
      byte version = in.readByte();
      if (format != FORMAT || version != VERSION) {
        throw new IllegalArgumentException(
            "not a stored ResponseEntity of version "
                + VERSION
                + " (starts with "
                + format
                + ", "
                + version
                + "); was it stored by a newer Idempo, or by another codec?");
      }
      int status = in.readInt();
      HttpHeaders replayed = new HttpHeaders();
      int headerCount = in.readInt();
      for (int h = 0; h < headerCount; h++) {
        String name = readText(in);
        int valueCount = in.readInt();
        for (int v = 0; v < valueCount; v++) {
          replayed.add(name, readText(in));
        }
      }
      replayed.set(REPLAYED_HEADER, "true");
      B entity = in.readByte() == 0 ? null : body.decode(readChunk(in));
      if (in.available() > 0) {
        throw new IllegalArgumentException(
            "a stored ResponseEntity has " + in.available() + " bytes after its body");
      }
      return ResponseEntity.status(status).headers(replayed).body(entity);
    } catch (IOException e) {
      throw new IllegalArgumentException("a stored ResponseEntity is truncated", e);
    }
  }

  @Override
  public String toString() {
    return "ResponseEntityCodec(body " + body + ", headers " + headers + ")";
  }

  private static void writeChunk(DataOutputStream out, byte[] chunk) throws IOException {
    out.writeInt(chunk.length);
    out.write(chunk);
  }

  private static byte[] readChunk(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("chunk of " + length + " bytes, " + in.available() + " left");
    }
    return in.readNBytes(length);
  }

  private static String readText(DataInputStream in) throws IOException {
    return new String(readChunk(in), StandardCharsets.UTF_8);
  }

  /** The body codec of {@code ResponseEntity<Void>}: a Void body is always null. */
  private static final class NoBody implements ResultCodec<Void> {
    @Override
    public byte[] encode(Void value) {
      throw new IllegalStateException("a Void body is null");
    }

    @Override
    public Void decode(byte[] bytes) {
      throw new IllegalStateException("a Void body is null");
    }
  }
}
