/**
 * The JDBC store: {@link io.idempo.runtime.jdbc.JdbcIdempotencyStore}, which keeps idempotency
 * records in a table of the application's own H2 or PostgreSQL database, in the handler's own
 * transaction or as leases, and {@link io.idempo.runtime.jdbc.Dialect}, which holds all of its SQL.
 * The table's DDL ships as {@code io/idempo/runtime/jdbc/h2.sql} and {@code postgresql.sql}.
 */
package io.idempo.runtime.jdbc;
