package io.idempo.test;

import io.idempo.runtime.jdbc.SharedPostgres;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link JdbcRedeliveryContract} on PostgreSQL, one fresh schema per test. */
class PostgresRedeliveryTest extends JdbcRedeliveryContract {

  @Override
  DataSource freshDatabase() {
    return SharedPostgres.freshSchema();
  }

  @AfterEach
  void closePool() {
    SharedPostgres.close(database);
  }

  @Test
  void insertOnConflictDoNothing_passes_alsoConcurrently() {
    // RealisticConsumersTest.onLedger.
    Redelivery<Payment> redelivery =
        Redelivery.<Payment>of(
                p ->
                    Sql.update(
                        database,
                        "INSERT INTO processed (message_id) VALUES (?) ON CONFLICT (message_id) DO NOTHING",
                        p.id()))
            .observing(JdbcState.tables(database, "processed"))
            .startingFrom(() -> Sql.reset(database));

    redelivery.with(new Payment("p-1", "acct-1", 1000)).deliveredTimes(3).assertSameEffectAsOnce();
    redelivery.with(new Payment("p-1", "acct-1", 1000)).concurrently(4).assertSameEffectAsOnce();
  }
}
