package io.idempo.spring;

import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.ClassUtils;

/**
 * The {@code idempo.*} properties of the Spring Boot starter. Defaults are written as literals, so
 * that the configuration processor puts them in the IDE metadata; {@code IdempoPropertiesTest}
 * keeps them equal to the runtime's own defaults.
 */
@ConfigurationProperties("idempo")
public class IdempoProperties {

  /**
   * Bean name of the PlatformTransactionManager whose transactions claims join. Needed only when
   * the application has several and none is primary.
   */
  private String transactionManager;

  /**
   * How long a delivery waits for another delivery of the same key that is still running before
   * it throws DuplicateInProgressException (retryable). Zero throws at once.
   */
  private Duration inFlightWait = Duration.ZERO;

  private final Jdbc jdbc = new Jdbc();

  private final Purge purge = new Purge();

  public String getTransactionManager() {
    return transactionManager;
  }

  public void setTransactionManager(String transactionManager) {
    this.transactionManager = transactionManager;
  }

  public Duration getInFlightWait() {
    return inFlightWait;
  }

  public void setInFlightWait(Duration inFlightWait) {
    this.inFlightWait = inFlightWait;
  }

  public Jdbc getJdbc() {
    return jdbc;
  }

  public Purge getPurge() {
    return purge;
  }

  /** When the starter creates a table it needs (the claims table, the outbox table). */
  public enum InitializeSchema {
    /** Always, if it is missing. */
    ALWAYS,
    /**
     * Only for an in-memory database, by Spring Boot's own rule ({@code EmbeddedDatabaseConnection}):
     * H2 with a {@code jdbc:h2:mem:} URL, HSQLDB with {@code jdbc:hsqldb:mem:}, or Derby. A file-based
     * or server H2 is not one.
     */
    EMBEDDED,
    /** Never: the table comes from the application's migrations. */
    NEVER;

    /** Whether the table is to be created, if missing, on {@code dataSource}. */
    public boolean createsTableOn(DataSource dataSource) {
      return switch (this) {
        case ALWAYS -> true;
        case NEVER -> false;
        case EMBEDDED -> isEmbedded(dataSource);
      };
    }

    private static boolean isEmbedded(DataSource dataSource) {
      String embeddedConnection = "org.springframework.boot.jdbc.EmbeddedDatabaseConnection";
      if (!ClassUtils.isPresent(embeddedConnection, InitializeSchema.class.getClassLoader())) {
        return false;
      }
      return org.springframework.boot.jdbc.EmbeddedDatabaseConnection.isEmbedded(dataSource);
    }
  }

  /** The JDBC store over the application's DataSource. */
  public static class Jdbc {

    /** The claims table, "table" or "schema.table". */
    private String tableName = "idempo_claims";

    /** When to create the claims table if it is missing. */
    private InitializeSchema initializeSchema = InitializeSchema.EMBEDDED;

    /** How long a claim waits for a row lock held by a concurrent delivery of the same key. */
    private Duration lockTimeout = Duration.ofSeconds(10);

    public String getTableName() {
      return tableName;
    }

    public void setTableName(String tableName) {
      this.tableName = tableName;
    }

    public InitializeSchema getInitializeSchema() {
      return initializeSchema;
    }

    public void setInitializeSchema(InitializeSchema initializeSchema) {
      this.initializeSchema = initializeSchema;
    }

    public Duration getLockTimeout() {
      return lockTimeout;
    }

    public void setLockTimeout(Duration lockTimeout) {
      this.lockTimeout = lockTimeout;
    }
  }

  /** The scheduled purge of expired records. */
  public static class Purge {

    /** Whether expired records are deleted on a schedule. */
    private boolean enabled = true;

    /** Time between two purges. */
    private Duration interval = Duration.ofHours(1);

    /** Rows deleted per statement (each in its own short transaction). */
    private int batchSize = 1000;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    public int getBatchSize() {
      return batchSize;
    }

    public void setBatchSize(int batchSize) {
      this.batchSize = batchSize;
    }
  }
}
