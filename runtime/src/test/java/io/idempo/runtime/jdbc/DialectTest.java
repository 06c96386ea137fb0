package io.idempo.runtime.jdbc;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each dialect says about its database's errors, names and values. */
class DialectTest {

  @Test
  void onlyALockTimeoutIsALockTimeoutNotACancelledStatement() {
    SQLException postgresLockTimeout = new SQLException("lock timeout", "55P03");
    SQLException postgresStatementTimeout =
        new SQLException("canceling statement due to statement timeout", "57014");
    assertThat(Dialect.POSTGRESQL.isLockTimeout(postgresLockTimeout)).isTrue();
    assertThat(Dialect.POSTGRESQL.isLockTimeout(postgresStatementTimeout)).isFalse();

    SQLException h2LockTimeout = new SQLException("Timeout trying to lock table", "HYT00", 50200);
    SQLException h2Cancelled = new SQLException("Statement was canceled", "57014", 57014);
    assertThat(Dialect.H2.isLockTimeout(h2LockTimeout)).isTrue();
    assertThat(Dialect.H2.isLockTimeout(h2Cancelled)).isFalse();
  }

  @Test
  void mysqlAndMariaDbTellLockTimeoutsDeadlocksDuplicatesAndMissingTablesByErrorCode() {
    for (Dialect dialect : List.of(Dialect.MYSQL, Dialect.MARIADB)) {
      // MariaDB's driver gives a lock wait timeout SQLState HY000, MySQL's 40001.
      assertThat(dialect.isLockTimeout(new SQLException("Lock wait timeout", "HY000", 1205)))
          .isTrue();
      assertThat(dialect.isLockTimeout(new SQLException("Lock wait timeout", "40001", 1205)))
          .isTrue();
      assertThat(dialect.isLockTimeout(new SQLException("max_statement_time", "70100", 1969)))
          .isFalse();
      assertThat(dialect.isLockTimeout(new SQLException("Deadlock found", "40001", 1213)))
          .isFalse();
      assertThat(dialect.isDeadlock(new SQLException("Deadlock found", "40001", 1213))).isTrue();
      assertThat(dialect.isDeadlock(new SQLException("Lock wait timeout", "40001", 1205)))
          .isFalse();
      assertThat(dialect.isDuplicateKey(new SQLException("Duplicate entry", "23000", 1062)))
          .isTrue();
      assertThat(dialect.isDuplicateKey(new SQLException("cannot be null", "23000", 1048)))
          .isFalse();
      assertThat(dialect.isDuplicateKey(new SQLException("foreign key", "23000", 1452)))
          .isFalse();
      assertThat(dialect.isMissingTable(new SQLException("doesn't exist", "42S02", 1146)))
          .isTrue();
      assertThat(dialect.isMissingTable(new SQLException("Unknown column", "42S22", 1054)))
          .isFalse();
    }
    assertThat(Dialect.H2.isDeadlock(new SQLException("Deadlock found", "40001", 1213))).isFalse();
    assertThat(Dialect.POSTGRESQL.isDeadlock(new SQLException("deadlock", "40P01"))).isFalse();
  }

  @Test
  void missingTablesAreRecognisedIncludingH2sEmptyDatabase() {
    assertThat(Dialect.H2.isMissingTable(new SQLException("not found", "42S02", 42102))).isTrue();
    assertThat(Dialect.H2.isMissingTable(new SQLException("empty db", "42S04", 42104))).isTrue();
    assertThat(Dialect.H2.isMissingTable(new SQLException("syntax", "42000", 42000))).isFalse();
    assertThat(Dialect.POSTGRESQL.isMissingTable(new SQLException("no relation", "42P01")))
        .isTrue();
    assertThat(Dialect.POSTGRESQL.isMissingTable(new SQLException("no column", "42703")))
        .isFalse();
  }

  @Test
  void missingColumnsAreRecognisedApartFromMissingTables() {
    assertThat(Dialect.H2.isMissingColumn(new SQLException("no column", "42S22", 42122))).isTrue();
    assertThat(Dialect.H2.isMissingColumn(new SQLException("not found", "42S02", 42102)))
        .isFalse();
    assertThat(Dialect.POSTGRESQL.isMissingColumn(new SQLException("no column", "42703")))
        .isTrue();
    assertThat(Dialect.POSTGRESQL.isMissingColumn(new SQLException("no relation", "42P01")))
        .isFalse();
    for (Dialect dialect : List.of(Dialect.MYSQL, Dialect.MARIADB)) {
      assertThat(dialect.isMissingColumn(new SQLException("Unknown column", "42S22", 1054)))
          .isTrue();
      assertThat(dialect.isMissingColumn(new SQLException("doesn't exist", "42S02", 1146)))
          .isFalse();
    }
  }

  @Test
  void theFingerprintMigrationStatementNamesTheTableAndTheType() {
    TableName table = TableName.of("billing.payments_dedup");
    assertThat(Dialect.POSTGRESQL.addFingerprintColumn(table))
        .isEqualTo("ALTER TABLE billing.payments_dedup ADD COLUMN fingerprint BYTEA");
    assertThat(Dialect.H2.addFingerprintColumn(table))
        .isEqualTo("ALTER TABLE billing.payments_dedup ADD COLUMN fingerprint VARBINARY(32)");
    assertThat(Dialect.MYSQL.addFingerprintColumn(table))
        .isEqualTo("ALTER TABLE billing.payments_dedup ADD COLUMN fingerprint VARBINARY(32)");
  }

  @Test
  void aDuplicateKeyIsRecognised() {
    for (Dialect dialect : List.of(Dialect.H2, Dialect.POSTGRESQL)) {
      assertThat(dialect.isDuplicateKey(new SQLException("unique", "23505"))).isTrue();
      assertThat(dialect.isDuplicateKey(new SQLException("not null", "23502"))).isFalse();
    }
  }

  @Test
  void anUnsupportedDatabaseIsRefusedNamingTheSupportedOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Dialect.forProductName("Oracle"));
    assertThat(e).hasMessageThat().contains("'Oracle'");
    assertThat(e).hasMessageThat().contains("H2, PostgreSQL");
    assertThat(Dialect.forProductName("H2")).isSameInstanceAs(Dialect.H2);
    assertThat(Dialect.forProductName("PostgreSQL")).isSameInstanceAs(Dialect.POSTGRESQL);
    assertThat(e).hasMessageThat().contains("H2, PostgreSQL, MySQL, MariaDB");
  }

  @Test
  void theStoreAndTheOutboxDdlComeFromTheDialectsResources() {
    assertThat(Dialect.H2.ddlResource()).isEqualTo("io/idempo/runtime/jdbc/h2.sql");
    assertThat(Dialect.POSTGRESQL.outboxDdlResource())
        .isEqualTo("io/idempo/runtime/outbox/postgresql.sql");
    List<String> outbox =
        Dialect.H2.ddl(Dialect.H2.outboxDdlResource(), "idempo_outbox", TableName.of("app.out"));
    assertThat(outbox.get(0)).startsWith("CREATE TABLE IF NOT EXISTS app.out (");
    assertThat(String.join("\n", outbox)).contains("INDEX IF NOT EXISTS app.out_key_idx ON app.out");
    assertThat(String.join("\n", outbox)).doesNotContain("idempo_outbox");
    List<String> postgres =
        Dialect.POSTGRESQL.ddl(
            Dialect.POSTGRESQL.outboxDdlResource(), "idempo_outbox", TableName.of("app.out"));
    assertThat(String.join("\n", postgres)).contains("INDEX IF NOT EXISTS out_key_idx ON app.out");
  }

  @Test
  void timestampsAreUtcToTheMicrosecondAndCappedAtTheYear9999() {
    Instant instant = Instant.parse("2026-12-03T13:15:00.123456789Z");
    assertThat(Dialect.H2.timestamp(instant))
        .isEqualTo(OffsetDateTime.parse("2026-12-03T13:15:00.123456Z").withOffsetSameInstant(ZoneOffset.UTC));
    assertThat(Dialect.POSTGRESQL.timestamp(Instant.MAX))
        .isEqualTo(OffsetDateTime.parse("9999-12-31T00:00:00Z"));
  }
}
