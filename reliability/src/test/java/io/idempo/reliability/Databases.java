package io.idempo.reliability;

import io.idempo.runtime.jdbc.SharedMariaDb;

/**
 * The servers the crash and multi-process suites run on: {@code postgres} (embedded PostgreSQL,
 * {@link Postgres}) and {@code mariadb} (the MariaDB the runtime's tests start, {@link
 * SharedMariaDb}), one of each per test JVM.
 */
final class Databases {

  /** The names the suites are parameterised with. */
  static final String POSTGRES = "postgres";

  static final String MARIADB = "mariadb";

  private Databases() {}

  /** The name of a new, empty schema (PostgreSQL) or database (MariaDB) for a suite. */
  static String fresh(String database, String prefix) {
    if (MARIADB.equals(database)) {
      String name = prefix + "_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
      SharedMariaDb.execute("CREATE DATABASE " + name);
      return name;
    }
    return Postgres.freshSchema(prefix);
  }

  /**
   * A JDBC URL of {@code schema} from {@link #fresh}, with timeouts so that a dead server never
   * hangs a client.
   */
  static String url(String database, String schema) {
    if (MARIADB.equals(database)) {
      return SharedMariaDb.url(schema) + "&connectTimeout=5000&socketTimeout=60000";
    }
    return Postgres.url(schema);
  }
}
