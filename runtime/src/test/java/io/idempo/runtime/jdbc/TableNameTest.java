package io.idempo.runtime.jdbc;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TableNameTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "x; DROP TABLE y",
        "\"idempo_claims\"",
        "idempo_claims'",
        "`claims`",
        "claims--",
        "claims/**/",
        "tab le",
        "1claims",
        "a.b.c",
        "schema.",
        ".claims",
        "claims\n",
        "cläims",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" // 49 characters
      })
  void refusesAnythingButPlainIdentifiers(String name) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TableName.of(name));
    assertThat(e).hasMessageThat().contains("invalid idempotency table name");
    assertThat(e).hasMessageThat().doesNotContain("\n");
  }

  @Test
  void refusesEmptyAndNull() {
    assertThrows(IllegalArgumentException.class, () -> TableName.of(""));
    assertThrows(IllegalArgumentException.class, () -> TableName.of(null));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "idempo_claims",
        "_x1",
        "Claims",
        "app.idempo_claims",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      })
  void acceptsPlainIdentifiers(String name) {
    assertThat(TableName.of(name).qualified()).isEqualTo(name);
  }

  @Test
  void theBuilderRefusesBadNamesBeforeTouchingTheDatabase() {
    JdbcDataSource neverUsed = new JdbcDataSource();
    neverUsed.setURL("jdbc:h2:mem:never");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> JdbcIdempotencyStore.builder(neverUsed).tableName("x; DROP TABLE y"));
    assertThat(e).hasMessageThat().contains("x; DROP TABLE y");
  }

  @Test
  void indexNamesFollowTheDialectsRules() {
    assertThat(Dialect.POSTGRESQL.indexName(TableName.of("app.claims"), "_expires_at_idx"))
        .isEqualTo("claims_expires_at_idx");
    assertThat(Dialect.H2.indexName(TableName.of("app.claims"), "_expires_at_idx"))
        .isEqualTo("app.claims_expires_at_idx");
    assertThat(Dialect.H2.ddl(TableName.of("idempo_claims2")).get(1))
        .isEqualTo(
            "CREATE INDEX IF NOT EXISTS idempo_claims2_expires_at_idx ON idempo_claims2"
                + " (expires_at)");
  }
}
