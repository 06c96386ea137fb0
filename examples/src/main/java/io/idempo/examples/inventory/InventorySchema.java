package io.idempo.examples.inventory;

import io.idempo.examples.SqlScript;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The inventory service's tables: {@code schema.sql} in this package's resources. */
public final class InventorySchema {

  private InventorySchema() {}

  /** Creates the tables unless they exist. */
  public static void create(DataSource dataSource) throws SQLException {
    SqlScript.run(dataSource, InventorySchema.class, "schema.sql");
  }

  /** Sets the units on hand of {@code sku}, adding the SKU if it is new. */
  public static void setOnHand(DataSource dataSource, String sku, int onHand) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement("UPDATE inventory_stock SET on_hand = ? WHERE sku = ?");
        PreparedStatement insert =
            connection.prepareStatement("INSERT INTO inventory_stock (sku, on_hand) VALUES (?, ?)")) {
      update.setInt(1, onHand);
      update.setString(2, sku);
      if (update.executeUpdate() == 0) {
        insert.setString(1, sku);
        insert.setInt(2, onHand);
        insert.executeUpdate();
      }
    }
  }
}
