package io.idempo.examples.inventory;

import static com.google.common.truth.Truth.assertThat;

import io.idempo.examples.TestDatabases;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inventory handler under redelivery: with its generated wrapper, and on its own. */
class InventoryHandlerTest {

  private static final OrderPlaced ORDER = new OrderPlaced("order-1001", "SKU-MUG", 3);

  private DataSource database;
  private JdbcIdempotencyStore store;

  @BeforeEach
  void setUp() throws SQLException {
    database = TestDatabases.h2();
    InventorySchema.create(database);
    InventorySchema.setOnHand(database, "SKU-MUG", 10);
    store = JdbcIdempotencyStore.builder(database).build();
    store.createTableIfMissing();
  }

  @Test
  void wrapped_redeliveriesReserveOnce_andReplayTheAnswer() throws Exception {
    InventoryHandler inventory = new IdempotentInventoryHandler(store, store.dataSource());

    assertThat(inventory.reserve(ORDER)).isEqualTo(ReservationStatus.RESERVED);
    assertThat(inventory.reserve(ORDER)).isEqualTo(ReservationStatus.RESERVED);
    assertThat(inventory.reserve(ORDER)).isEqualTo(ReservationStatus.RESERVED);

    assertThat(reservations("order-1001")).isEqualTo(1);
    assertThat(inventory.available("SKU-MUG")).isEqualTo(7);
  }

  @Test
  void wrapped_aDuplicateOfARefusedOrder_replaysTheRefusal_evenAfterARestock() throws Exception {
    InventoryHandler inventory = new IdempotentInventoryHandler(store, store.dataSource());
    OrderPlaced large = new OrderPlaced("order-1002", "SKU-MUG", 12);

    assertThat(inventory.reserve(large)).isEqualTo(ReservationStatus.OUT_OF_STOCK);
    InventorySchema.setOnHand(database, "SKU-MUG", 50);

    assertThat(inventory.reserve(large)).isEqualTo(ReservationStatus.OUT_OF_STOCK);
    assertThat(reservations("order-1002")).isEqualTo(0);
    assertThat(inventory.reserve(new OrderPlaced("order-1003", "SKU-MUG", 12)))
        .isEqualTo(ReservationStatus.RESERVED);
  }

  @Test
  void unwrapped_theNaturalKeyAloneKeepsRedeliveriesFromReservingTwice() throws Exception {
    // No dedup record at all, as after the record's ttl or a replay from a dead-letter queue.
    InventoryHandler inventory = new InventoryHandler(database);

    assertThat(inventory.reserve(ORDER)).isEqualTo(ReservationStatus.RESERVED);
    assertThat(inventory.reserve(ORDER)).isEqualTo(ReservationStatus.RESERVED);

    assertThat(reservations("order-1001")).isEqualTo(1);
    assertThat(inventory.available("SKU-MUG")).isEqualTo(7);
  }

  @Test
  void ordersBeyondTheStock_areRefused() throws Exception {
    InventoryHandler inventory = new IdempotentInventoryHandler(store, store.dataSource());

    assertThat(inventory.reserve(new OrderPlaced("a", "SKU-MUG", 6))).isEqualTo(ReservationStatus.RESERVED);
    assertThat(inventory.reserve(new OrderPlaced("b", "SKU-MUG", 6)))
        .isEqualTo(ReservationStatus.OUT_OF_STOCK);
    assertThat(inventory.reserve(new OrderPlaced("c", "SKU-NONE", 1)))
        .isEqualTo(ReservationStatus.OUT_OF_STOCK);
    assertThat(inventory.available("SKU-MUG")).isEqualTo(4);
  }

  private int reservations(String orderId) throws SQLException {
    try (Connection connection = database.getConnection();
        PreparedStatement query =
            connection.prepareStatement("SELECT COUNT(*) FROM inventory_reservation WHERE order_id = ?")) {
      query.setString(1, orderId);
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }
}
