/**
 * What generated wrappers call: the {@link io.idempo.runtime.IdempotencyStore} SPI and its {@link
 * io.idempo.runtime.Claim} protocol, handler descriptors, result codecs and the runtime exceptions.
 */
package io.idempo.runtime;
