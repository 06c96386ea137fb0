package io.idempo.spring;

/** {@link SpringTransactionsContract} on the embedded H2 database Spring Boot configures. */
class H2SpringTransactionsTest extends SpringTransactionsContract {}
