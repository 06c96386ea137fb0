package io.idempo.test;

import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** {@link JdbcRedeliveryContract} on H2. */
class H2RedeliveryTest extends JdbcRedeliveryContract {

  private static final AtomicInteger DATABASES = new AtomicInteger();

  @Override
  DataSource freshDatabase() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:kit-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    return dataSource;
  }

  @Test
  void mergeByKey_passes_alsoConcurrently() {
    // The upsert of SqlTest's silent shapes, in H2's dialect.
    Redelivery<Payment> redelivery =
        Redelivery.<Payment>of(
                p -> Sql.update(database, "MERGE INTO stock (sku, qty) KEY (sku) VALUES (?, ?)", p.id(), 5))
            .observing(JdbcState.tables(database, "stock"))
            .startingFrom(() -> Sql.reset(database));

    redelivery.with(new Payment("sku-2", "acct-1", 1000)).deliveredTimes(3).assertSameEffectAsOnce();
    redelivery.with(new Payment("sku-2", "acct-1", 1000)).concurrently(4).assertSameEffectAsOnce();
  }
}
