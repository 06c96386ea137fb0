/**
 * The annotations users put on message handlers: {@link io.idempo.IdempotentHandler} and {@link
 * io.idempo.IdempotencyKey}. This package has no dependencies.
 */
package io.idempo;
