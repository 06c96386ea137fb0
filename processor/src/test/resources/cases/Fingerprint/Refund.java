package com.acme.payments;

import java.math.BigDecimal;

public class Refund {
  private final String chargeId;
  private final BigDecimal amount;
  private final Note note;
  private final String[] tags;

  public Refund(String chargeId, BigDecimal amount, Note note, String... tags) {
    this.chargeId = chargeId;
    this.amount = amount;
    this.note = note;
    this.tags = tags.clone();
  }

  public String getChargeId() {
    return chargeId;
  }

  public BigDecimal getAmount() {
    return amount;
  }

  public Note getNote() {
    return note;
  }

  public String[] getTags() {
    return tags.clone();
  }

  public static class Note {
    private final String text;
    private final boolean internal;

    public Note(String text, boolean internal) {
      this.text = text;
      this.internal = internal;
    }

    public String getText() {
      return text;
    }

    public boolean isInternal() {
      return internal;
    }
  }
}
