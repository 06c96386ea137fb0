package io.idempo.examples.inventory;

import io.idempo.IdempotentHandler;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Reserves stock for orders, keyed by the order id twice over.
 *
 * <ul>
 *   <li>The reservation's primary key is the order id (a natural key, see {@code schema.sql}), so
 *       the handler is idempotent on its own: a second delivery of an order finds its reservation
 *       and answers {@link ReservationStatus#RESERVED} without reserving more. This holds even when
 *       the dedup record is gone: an order replayed from a dead-letter queue after the {@link
 *       IdempotentHandler#ttl() ttl} cannot reserve twice.
 *   <li>The generated {@code IdempotentInventoryHandler} adds the dedup record: in transactional
 *       mode the claim and the reservation commit together, concurrent deliveries of one order run
 *       one at a time, and a duplicate replays the first delivery's answer without touching the
 *       stock tables. A duplicate of an order that was {@link ReservationStatus#OUT_OF_STOCK}
 *       replays {@code OUT_OF_STOCK} even if stock arrived since: the order was decided once.
 * </ul>
 *
 * <p>Stock is never decremented in place: what is available is derived from the units on hand and
 * the reservations, under a lock on the SKU's row.
 */
public class InventoryHandler {

  private static final String LOCK_STOCK = "SELECT on_hand FROM inventory_stock WHERE sku = ? FOR UPDATE";
  private static final String FIND_RESERVATION =
      "SELECT quantity FROM inventory_reservation WHERE order_id = ?";
  private static final String RESERVED_UNITS =
      "SELECT COALESCE(SUM(quantity), 0) FROM inventory_reservation WHERE sku = ?";
  private static final String INSERT_RESERVATION =
      "INSERT INTO inventory_reservation (order_id, sku, quantity) VALUES (?, ?, ?)";

  private final DataSource dataSource;

  /**
   * Creates the handler.
   *
   * @param dataSource where the inventory tables are; in production the store's {@code
   *     dataSource()}, so that the reservation commits together with the claim
   */
  public InventoryHandler(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Reserves the order's units if enough are available. */
  @IdempotentHandler(key = "order.orderId")
  public ReservationStatus reserve(OrderPlaced order) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      Integer onHand = queryInt(connection, LOCK_STOCK, order.sku());
      if (queryInt(connection, FIND_RESERVATION, order.orderId()) != null) {
        return ReservationStatus.RESERVED;
      }
      if (onHand == null) {
        return ReservationStatus.OUT_OF_STOCK;
      }
      Integer reserved = queryInt(connection, RESERVED_UNITS, order.sku());
      if (onHand - (reserved == null ? 0 : reserved) < order.quantity()) {
        return ReservationStatus.OUT_OF_STOCK;
      }
      try (PreparedStatement insert = connection.prepareStatement(INSERT_RESERVATION)) {
        insert.setString(1, order.orderId());
        insert.setString(2, order.sku());
        insert.setInt(3, order.quantity());
        insert.executeUpdate();
      }
      return ReservationStatus.RESERVED;
    }
  }

  /** The units of {@code sku} on hand and not reserved. */
  public int available(String sku) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      Integer onHand = queryInt(connection, "SELECT on_hand FROM inventory_stock WHERE sku = ?", sku);
      Integer reserved = queryInt(connection, RESERVED_UNITS, sku);
      return (onHand == null ? 0 : onHand) - (reserved == null ? 0 : reserved);
    }
  }

  /** The first column of the first row, or null if there is no row. */
  private static Integer queryInt(Connection connection, String sql, String parameter)
      throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, parameter);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? row.getInt(1) : null;
      }
    }
  }
}
