/**
 * The quick-start demo ({@link io.idempo.examples.Demo}): a simulated at-least-once broker delivers
 * one stream of payment events to a naive handler and to the generated wrapper, and the ledger is
 * audited event by event. The idiomatic handlers are in the subpackages {@code payments}, {@code
 * inventory} and {@code notifications}; the broker simulator is in {@code broker}.
 */
package io.idempo.examples;
