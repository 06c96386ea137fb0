package io.idempo.examples.inventory;

/** The outcome of {@link InventoryHandler#reserve}. */
public enum ReservationStatus {
  /** The units are set aside for the order. */
  RESERVED,
  /** Not enough units were available; nothing was reserved. */
  OUT_OF_STOCK
}
