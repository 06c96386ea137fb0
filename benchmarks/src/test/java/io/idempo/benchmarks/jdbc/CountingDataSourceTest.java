package io.idempo.benchmarks.jdbc;

import static com.google.common.truth.Truth.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CountingDataSourceTest {

  private CountingDataSource counting;

  @BeforeEach
  void createTable() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:counting" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    counting = new CountingDataSource(h2);
    try (Connection c = counting.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (k VARCHAR(10) PRIMARY KEY)");
    }
    counting.reset();
  }

  @Test
  void autoCommitStatementsEachCommit() throws SQLException {
    try (Connection c = counting.getConnection();
        PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES (?)")) {
      insert.setString(1, "a");
      insert.executeUpdate();
      insert.setString(1, "b");
      insert.executeUpdate();
    }
    assertThat(counting.statements()).isEqualTo(2);
    assertThat(counting.commits()).isEqualTo(2);
    assertThat(counting.rollbacks()).isEqualTo(0);
  }

  @Test
  void aTransactionIsOneCommitHoweverManyStatements() throws SQLException {
    try (Connection c = counting.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO t VALUES ('a')");
        s.executeUpdate("INSERT INTO t VALUES ('b')");
        s.executeQuery("SELECT COUNT(*) FROM t").close();
      }
      c.commit();
      c.commit(); // nothing executed since: not a commit
      c.setAutoCommit(true);
    }
    assertThat(counting.statements()).isEqualTo(3);
    assertThat(counting.commits()).isEqualTo(1);
  }

  @Test
  void rollbacksAndImplicitCommitsOfSetAutoCommit() throws SQLException {
    try (Connection c = counting.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO t VALUES ('a')");
        c.rollback();
        s.executeUpdate("INSERT INTO t VALUES ('b')");
      }
      c.setAutoCommit(true); // commits the open transaction
    }
    assertThat(counting.statements()).isEqualTo(2);
    assertThat(counting.rollbacks()).isEqualTo(1);
    assertThat(counting.commits()).isEqualTo(1);
  }

  @Test
  void aRejectedStatementStillCounts() throws SQLException {
    try (Connection c = counting.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO t VALUES ('a')");
      try {
        s.executeUpdate("INSERT INTO t VALUES ('a')");
      } catch (SQLException expected) {
        // duplicate key
      }
    }
    assertThat(counting.statements()).isEqualTo(2);
  }

  @Test
  void proxiesAreEqualOnlyToThemselves() throws SQLException {
    try (Connection a = counting.getConnection();
        Connection b = counting.getConnection()) {
      // Spring keys its connection holders by these; equals must be reflexive and by identity.
      assertThat(a.equals(a)).isTrue();
      assertThat(a.equals(b)).isFalse();
      assertThat(a.hashCode()).isEqualTo(System.identityHashCode(a));
    }
  }
}
