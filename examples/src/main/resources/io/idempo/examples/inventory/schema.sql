-- The inventory service's tables, for H2 2.x and PostgreSQL. InventorySchema.create() runs this file.

-- Units on hand per SKU. What is available is on_hand minus the reservations.
CREATE TABLE IF NOT EXISTS inventory_stock (
    sku     VARCHAR(64) PRIMARY KEY,
    on_hand INTEGER     NOT NULL CHECK (on_hand >= 0)
);

-- One reservation per order: order_id is the natural key. A second reservation for the same order
-- cannot exist, whatever delivers the order event a second time and whenever.
CREATE TABLE IF NOT EXISTS inventory_reservation (
    order_id VARCHAR(64) PRIMARY KEY,
    sku      VARCHAR(64) NOT NULL REFERENCES inventory_stock (sku),
    quantity INTEGER     NOT NULL CHECK (quantity > 0)
);

CREATE INDEX IF NOT EXISTS inventory_reservation_sku_idx ON inventory_reservation (sku);
