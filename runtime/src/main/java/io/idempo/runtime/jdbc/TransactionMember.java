package io.idempo.runtime.jdbc;

import io.idempo.runtime.HandlerDescriptor;

/**
 * A claim that holds a place on a thread's {@link BoundTransaction}: a single transactional claim
 * or a batch of them. Claims nested in it push themselves above it and must end first.
 */
interface TransactionMember {

  /** The token written into every row this claim inserted or took over. */
  String token();

  /** The claim's handler. */
  HandlerDescriptor handler();
}
