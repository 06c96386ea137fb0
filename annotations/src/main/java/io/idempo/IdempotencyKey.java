package io.idempo;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter of an {@link IdempotentHandler} method whose value is the message's
 * idempotency key, as an alternative to {@link IdempotentHandler#key()}.
 *
 * <pre>{@code
 * @IdempotentHandler
 * public void onPaymentCaptured(@IdempotencyKey UUID paymentId, long amountCents) { ... }
 * }</pre>
 *
 * <p>At most one parameter per method may carry it, and not together with a non-empty {@link
 * IdempotentHandler#key()}. The parameter's type must have a stable string form, as for the end of
 * a key path.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface IdempotencyKey {}
