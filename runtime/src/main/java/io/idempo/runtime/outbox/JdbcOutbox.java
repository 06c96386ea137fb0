package io.idempo.runtime.outbox;

import io.idempo.runtime.jdbc.Dialect;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import io.idempo.runtime.jdbc.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * An {@link Outbox} in a table of the application's own database, H2 or PostgreSQL. {@link #send}
 * inserts one row on a connection from the {@link DataSource} it was built with. Give it the
 * idempotency store's {@link JdbcIdempotencyStore#dataSource()}: inside a transactional
 * {@code @IdempotentHandler}, that connection is the claim's, so the message commits or rolls back
 * with the handler's work and its dedup record.
 *
 * <pre>{@code
 * JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(pool).build();
 * JdbcOutbox outbox = new JdbcOutbox(store.dataSource());
 * outbox.createTableIfMissing();      // or run io/idempo/runtime/outbox/postgresql.sql in a migration
 * }</pre>
 *
 * <p>By default {@link #send} refuses a connection in auto-commit mode: the row would commit on its
 * own, which is the dual write the outbox exists to avoid (usually the pool was passed instead of
 * {@code store.dataSource()}, or {@code send} was called outside a transactional handler). {@link
 * Builder#requireTransaction(boolean)} turns the check off.
 *
 * <p>See {@code docs/outbox.md} for the table and the relay.
 */
public final class JdbcOutbox implements Outbox {

  /** The default table name. */
  public static final String DEFAULT_TABLE_NAME = OutboxSql.DDL_TABLE;

  private final DataSource dataSource;
  private final Dialect dialect;
  private final TableName table;
  private final OutboxSql sql;
  private final Clock clock;
  private final boolean requireTransaction;

  /**
   * An outbox in table {@value #DEFAULT_TABLE_NAME} over {@code dataSource}; opens one connection
   * to detect the database.
   *
   * @throws IllegalArgumentException if Idempo does not support the database
   * @throws OutboxException if the database cannot be reached
   */
  public JdbcOutbox(DataSource dataSource) {
    this(builder(dataSource));
  }

  private JdbcOutbox(Builder builder) {
    this.dataSource = builder.dataSource;
    this.table = builder.table;
    this.clock = builder.clock;
    this.requireTransaction = builder.requireTransaction;
    this.dialect = builder.dialect != null ? builder.dialect : detect(dataSource, table);
    this.sql = OutboxSql.of(dialect, table);
  }

  /** Starts configuring an outbox over {@code dataSource}. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * An outbox in the database of {@code store}, writing through {@code store.dataSource()} so that
   * messages join the transactional claims of the store's handlers. Opens no connection.
   */
  public static JdbcOutbox forStore(JdbcIdempotencyStore store) {
    return builder(store.dataSource()).dialect(store.dialect()).build();
  }

  /** The database this outbox writes to. */
  public Dialect dialect() {
    return dialect;
  }

  /** The table, as used in SQL. */
  public String tableName() {
    return table.qualified();
  }

  /** The classpath resource with the table's DDL for this database, for a migration. */
  public String ddlResource() {
    return dialect.outboxDdlResource();
  }

  /**
   * Creates the table and its indexes unless they exist. Call it at startup, not inside a handler.
   *
   * @throws OutboxException if the DDL fails
   */
  public void createTableIfMissing() {
    try (Connection connection = dataSource.getConnection()) {
      dialect.createIfMissing(connection, sql.ddl());
    } catch (SQLException e) {
      throw new OutboxException("cannot create outbox table " + table + ": " + e.getMessage(), e);
    }
  }

  /**
   * Inserts {@code message} on a connection of this outbox's {@code DataSource}; on a thread that
   * holds a transactional claim of the store whose {@code dataSource()} this is, the claim's.
   *
   * @throws IllegalStateException if the connection is in auto-commit mode and the outbox requires
   *     a transaction (the default)
   * @throws OutboxException if the row cannot be inserted
   */
  @Override
  public UUID send(OutboxMessage message) {
    Objects.requireNonNull(message, "message");
    try (Connection connection = dataSource.getConnection()) {
      return send(connection, message);
    } catch (SQLException e) {
      throw failure(message, e);
    }
  }

  /**
   * Inserts {@code message} on {@code connection}, in its current transaction; for code that
   * manages its own connections. The connection stays open.
   *
   * @throws IllegalStateException if the connection is in auto-commit mode and the outbox requires
   *     a transaction (the default)
   * @throws OutboxException if the row cannot be inserted
   */
  public UUID send(Connection connection, OutboxMessage message) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(message, "message");
    UUID id = message.requestedId() != null ? message.requestedId() : UUID.randomUUID();
    Instant now = clock.instant();
    try {
      if (requireTransaction && connection.getAutoCommit()) {
        throw new IllegalStateException(
            "outbox message to "
                + message.destination()
                + " (key '"
                + message.key()
                + "') would commit on its own: the connection is in auto-commit mode, so it would"
                + " not be atomic with the work that emits it. Send from inside a transactional"
                + " @IdempotentHandler with the outbox built on the store's dataSource()"
                + " (JdbcOutbox.forStore(store)), or in your own transaction; or build the outbox"
                + " with requireTransaction(false) if committing alone is what you want");
      }
      try (PreparedStatement insert = connection.prepareStatement(sql.insert)) {
        insert.setObject(1, dialect.uuid(id));
        insert.setString(2, message.destination());
        insert.setString(3, message.key());
        insert.setBytes(4, message.payload());
        insert.setString(5, Headers.encode(message.headers()));
        insert.setObject(6, dialect.timestamp(now));
        insert.setObject(7, dialect.timestamp(now));
        insert.executeUpdate();
      }
    } catch (SQLException e) {
      throw failure(message, e);
    }
    return id;
  }

  /**
   * The number of messages not yet published. For monitoring: a growing count means the relay is
   * stopped, failing or too slow.
   *
   * @throws OutboxException if the table cannot be read
   */
  public long countUnsent() {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql.countUnsent)) {
      row.next();
      return row.getLong(1);
    } catch (SQLException e) {
      throw new OutboxException("cannot count unsent messages in " + table + ": " + e.getMessage(), e);
    }
  }

  private OutboxException failure(OutboxMessage message, SQLException e) {
    String hint;
    if (dialect.isMissingTable(e)) {
      hint =
          " The table does not exist: call JdbcOutbox.createTableIfMissing() at startup or run "
              + dialect.outboxDdlResource()
              + " in a migration.";
    } else if (dialect.isDuplicateKey(e) && message.requestedId() != null) {
      hint = " Message id " + message.requestedId() + " is already in the outbox; ids must be unique.";
    } else {
      hint = "";
    }
    return new OutboxException(
        "cannot write the outbox message to "
            + message.destination()
            + " (key '"
            + message.key()
            + "') to "
            + table
            + ": "
            + e.getMessage()
            + "."
            + hint
            + " Let this exception propagate so that the handler's transaction rolls back.",
        e);
  }

  private static Dialect detect(DataSource dataSource, TableName table) {
    try (Connection connection = dataSource.getConnection()) {
      return Dialect.of(connection);
    } catch (SQLException e) {
      throw new OutboxException(
          "cannot connect to detect the database of the outbox (table " + table + "): " + e.getMessage(),
          e);
    }
  }

  /** Configures a {@link JdbcOutbox}. */
  public static final class Builder {
    private final DataSource dataSource;
    private TableName table = TableName.of("outbox", DEFAULT_TABLE_NAME);
    private Dialect dialect;
    private Clock clock = Clock.systemUTC();
    private boolean requireTransaction = true;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The table, {@code table} or {@code schema.table}: letters, digits and underscores, starting
     * with a letter or underscore, at most 48 characters per part. Default {@value
     * JdbcOutbox#DEFAULT_TABLE_NAME}. The relay must use the same name.
     *
     * @throws IllegalArgumentException if {@code tableName} is not such a name
     */
    public Builder tableName(String tableName) {
      this.table = TableName.of("outbox", tableName);
      return this;
    }

    /** The database, instead of asking the {@code DataSource} at {@link #build()}. */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /** The clock for {@code created_at}. Default: system UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Whether {@link JdbcOutbox#send} refuses a connection in auto-commit mode. Default true:
     * a message that commits on its own is not atomic with the work that emits it.
     */
    public Builder requireTransaction(boolean requireTransaction) {
      this.requireTransaction = requireTransaction;
      return this;
    }

    /**
     * Builds the outbox. Without {@link #dialect(Dialect)}, opens one connection to read the
     * database's product name.
     *
     * @throws IllegalArgumentException if Idempo does not support the database
     * @throws OutboxException if the database cannot be reached
     */
    public JdbcOutbox build() {
      return new JdbcOutbox(this);
    }
  }
}
