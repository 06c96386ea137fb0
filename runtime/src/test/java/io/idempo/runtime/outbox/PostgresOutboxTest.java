package io.idempo.runtime.outbox;

import static com.google.common.truth.Truth.assertThat;

import io.idempo.runtime.jdbc.Dialect;
import io.idempo.runtime.jdbc.SharedPostgres;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The outbox contract on a real PostgreSQL, one schema per test, one server per JVM. */
class PostgresOutboxTest extends OutboxContract {

  @Override
  DataSource freshDatabase() {
    return SharedPostgres.freshSchema();
  }

  @Override
  Dialect expectedDialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  void closeDatabase(DataSource dataSource) {
    SharedPostgres.close(dataSource);
  }

  @Test
  void aSchemaQualifiedTableAndItsIndexesAreCreated() throws Exception {
    String schema = "outbox_" + UUID.randomUUID().toString().replace("-", "");
    execute("CREATE SCHEMA " + schema);
    JdbcOutbox qualified =
        JdbcOutbox.builder(store.dataSource()).tableName(schema + ".events").clock(clock).build();
    qualified.createTableIfMissing();
    qualified.createTableIfMissing();
    UUID id = inTransaction(() -> qualified.send(OutboxMessage.of(TOPIC, "k", new byte[] {1})));
    OutboxRelay relay = relayBuilder(publisher).tableName(schema + ".events").build();
    relays.add(relay);
    relay.runOnce();
    assertThat(publisher.publishedIds()).containsExactly(id);
    assertThat(
            count(
                "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = '"
                    + schema
                    + "' AND indexname IN ('events_unsent_idx', 'events_key_idx', 'events_sent_at_idx')"))
        .isEqualTo(3);
  }
}
