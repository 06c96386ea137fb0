package io.idempo;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a message handler method whose effect must happen once per message, however often the
 * message is delivered.
 *
 * <p>For each class with annotated methods, the Idempo annotation processor generates a subclass
 * named {@code Idempotent<SimpleName>} (for a nested class {@code Outer.Inner}, {@code
 * IdempotentOuter_Inner}) in the same package. Its constructors take an {@code
 * io.idempo.runtime.IdempotencyStore} first, followed by the parameters of the handler's own
 * constructor. Each annotated method is overridden to:
 *
 * <ol>
 *   <li>compute the message's key from {@link #key()} (or the {@link IdempotencyKey} parameter);
 *   <li>claim {@code (name, key)} in the store;
 *   <li>on the first delivery, run the original method, then record completion together with the
 *       encoded result;
 *   <li>on a later delivery, skip the method and return the recorded result (for {@code void}
 *       methods, simply return);
 *   <li>if the method throws, release the claim, so that the next delivery runs it again, and
 *       rethrow the original exception unchanged.
 * </ol>
 *
 * <p>The method must be overridable: not {@code private}, {@code static}, {@code final} or {@code
 * abstract}. If the class is {@code final} (or a record) and implements interfaces, a decorator
 * implementing those interfaces is generated instead, with constructor {@code (IdempotencyStore,
 * Handler delegate)}.
 *
 * <h2>Key paths</h2>
 *
 * <p>A key path is a dot-separated list of Java identifiers, {@code param.a.b}. The first segment
 * names a parameter of the handler method. Each following segment is resolved at compile time
 * against the type reached so far, trying in this order:
 *
 * <ol>
 *   <li>a record component named {@code a};
 *   <li>a no-argument, non-void method named {@code a()};
 *   <li>a JavaBean getter {@code getA()} or, for {@code boolean}, {@code isA()};
 *   <li>an accessible field named {@code a}.
 * </ol>
 *
 * <p>A segment that resolves to nothing is a compile error naming the segment and the closest
 * existing name. The value at the end of the path must have a stable string form (strings and
 * other {@link CharSequence}s, primitives and their boxes, {@link java.util.UUID}, enums, {@link java.math.BigInteger}, {@link
 * java.math.BigDecimal} and {@code java.time} values). A {@code null} anywhere along the path, or a
 * blank key, is rejected at run time with {@code io.idempo.runtime.IdempotencyKeyException} naming
 * the handler and the key path; the method does not run.
 *
 * <h2>Batch handlers</h2>
 *
 * <p>A handler that receives many messages at once (a Kafka batch listener, an SQS batch) writes
 * {@code [*]} after its batch parameter, for one key per message: {@code key =
 * "events[*].paymentId"}. The batch parameter is a {@link java.util.List}, a {@link
 * java.util.Collection} or an array (varargs included) of messages; the rest of the path is
 * resolved against the element type by the rules above, and {@code "ids[*]"} uses each element
 * itself as the key. The generated wrapper computes every key first (a {@code null} or blank one
 * fails the whole call with {@code IdempotencyKeyException} naming the message's index), claims
 * them all in one call to the store, and calls the original method with only the messages seen for
 * the first time, in their original order, in a new list (or array) of the parameter's type; a key
 * repeated inside the batch counts once, at its first message. Other parameters are passed
 * unchanged. If no message is new, the method is not called. If it throws, every claim of the
 * batch is released and the exception propagates unchanged, so a redelivered batch is processed
 * again.
 *
 * <p>A batch handler returns {@code void}: its duplicates have no result to replay. {@code [*]}
 * is written once, right after the batch parameter; a {@link java.util.Set}, an {@link Iterable},
 * a concrete collection class such as {@link java.util.ArrayList}, a raw type, a {@code List<?>}
 * or an array of primitives cannot be a batch parameter, and {@link IdempotencyKey} cannot mark
 * one. Each of these is a compile error that says what to write instead.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface IdempotentHandler {

  /**
   * The key path, for example {@code "event.orderId"}, or {@code "events[*].orderId"} for a batch
   * handler (one key per message). Empty (the default) means: use the single parameter annotated
   * {@link IdempotencyKey}. Giving both, or neither, is a compile error.
   */
  String key() default "";

  /**
   * The payload fingerprint: paths whose values identify the message's or request's content, for
   * example {@code {"request"}} for the whole request body or {@code {"event.amount",
   * "event.currency"}}. Empty (the default) keeps no fingerprint; on a method with a Spring
   * {@code RequestBody} parameter, that is a compile warning, silenced by {@code
   * SuppressWarnings("idempo-fingerprint")} on the method or its class.
   *
   * <p>When set, the store keeps a SHA-256 digest of the values' canonical encoding with the key.
   * A later delivery with the same key and a different digest does not run the handler and does
   * not get the earlier result: it fails with {@code
   * io.idempo.runtime.IdempotencyKeyReuseException} (an HTTP endpoint answers {@code 422}). The
   * key may come from {@link #key()} or from an {@link IdempotencyKey} parameter, for example a
   * request header, with the fingerprint taken from the request body.
   *
   * <p>Each path is written and resolved like a key path (see above), without {@code [*]}; a path
   * that does not resolve is the same compile error. The value at a path may be:
   *
   * <ul>
   *   <li>a type a key may end in, or {@code byte[]}: one leaf, named by the path;
   *   <li>a record, expanded into its components in order, or a class or interface with getters
   *       ({@code getX()}, or {@code isX()} for a {@code boolean}), expanded into its getters and
   *       then its accessible fields, the class's own in declaration order before its
   *       superclasses' and interfaces'; each property under {@code <path>.<name>}, recursively;
   *   <li>a {@link java.util.List}, {@link java.util.Collection} or array of any of these: its
   *       size, then each element under {@code <path>[<index>]}, such as {@code
   *       request.lines[0].sku}.
   * </ul>
   *
   * <p>Anything else is a compile error that says what to write instead: a {@link java.util.Map},
   * a {@link java.util.Set} (its order is not stable), {@link Object}, raw, wildcard and
   * type-variable types, a type without properties, {@link java.time.ZoneId} (fingerprint its
   * {@code id}), a recursive type, more than 8 levels of records, beans, lists and arrays below a
   * path, an empty, repeated or nested path, and a fingerprint on a batch handler. A {@code null}
   * anywhere is not an error and adds nothing (it is left out with the values below it), so a
   * nullable property added to the request type later leaves earlier fingerprints as they were.
   * The encoding is documented in {@code io.idempo.runtime.PayloadFingerprint} and {@code
   * docs/fingerprints.md}, and stable across JVMs and versions; adding, removing or reordering
   * paths, or properties that have values, changes the fingerprint.
   */
  String[] fingerprint() default {};

  /**
   * The handler's stable id, which scopes its keys in the store: two handlers never see each other's
   * keys. Empty (the default) means {@code <binary class name>#<method name>}, for example {@code
   * com.acme.OrderHandler#onOrderPlaced}. Set it explicitly to keep the dedup history when the class
   * or method is renamed or moved. Two handlers of one class must not share a name.
   */
  String name() default "";

  /**
   * How long a completed record keeps deduplicating, as an ISO-8601 duration accepted by {@link
   * java.time.Duration#parse(CharSequence)}, for example {@code "P7D"} or {@code "PT12H"}. After the
   * ttl a delivery of the same key counts as new. Must be positive; an invalid value is a compile
   * error.
   */
  String ttl() default "P7D";

  /** How the claim relates to the handler's own work. See {@link Mode}. */
  Mode mode() default Mode.TRANSACTIONAL;

  /**
   * In {@link Mode#LEASE} mode, how long a claim stays exclusive while the handler runs, as an
   * ISO-8601 duration. If the process dies mid-run, the next delivery after the lease expires runs
   * the handler again. Choose it longer than the handler's slowest successful run. Ignored in
   * {@link Mode#TRANSACTIONAL} mode.
   */
  String lease() default "PT5M";

  /**
   * The result codec of a non-void handler: a class that implements {@code
   * io.idempo.runtime.ResultCodec<R>} for the method's return type {@code R} and has a public
   * no-argument constructor. A codec named here is always used.
   *
   * <p>{@code void.class} (the default) lets the processor choose: the built-in codec if the return
   * type has one ({@link String}, primitives and their boxes, {@code byte[]}, {@link
   * java.util.UUID}, {@link java.math.BigInteger}, {@link java.math.BigDecimal}, enums and the
   * {@code java.time} value types); otherwise (records, DTOs, {@code List<Receipt>}...) JSON, if
   * the handler compiles with Jackson: Jackson 3 ({@code tools.jackson.core:jackson-databind}), or
   * Jackson 2 ({@code com.fasterxml.jackson.core:jackson-databind} with {@code
   * jackson-datatype-jsr310} and {@code jackson-datatype-jdk8}). Without a codec from either, the
   * handler is a compile error that names both ways out.
   */
  Class<?> codec() default void.class;

  /** How the dedup record relates to the handler's own work. */
  enum Mode {
    /**
     * The claim row is written in the same database transaction as the handler's own JDBC work, and
     * commits or rolls back with it. Use it when the handler's effects are in the store's database;
     * it gives an exactly-once effect even if the process dies at any point. The handler reaches that
     * transaction through the store's transaction-aware {@code DataSource}.
     */
    TRANSACTIONAL,

    /**
     * The claim commits at once as in progress, with a lease; success marks it completed, failure
     * deletes it. Use it for effects outside the database (e-mail, HTTP calls). A crash mid-run
     * leaves a lease that expires, after which the next delivery runs the handler again.
     */
    LEASE
  }
}
