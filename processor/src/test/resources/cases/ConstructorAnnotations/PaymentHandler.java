package com.acme.payments;

import io.idempo.IdempotentHandler;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.List;
import java.util.Map;

public class PaymentHandler {
  static final String AUDIT = "audit";

  private final Ledger ledger;
  private final long feeCents;
  private final @Nullable Ledger audit;
  private final String currency;
  private final Map<String, @Nullable List<@Nullable String>> routes;
  private final @Nullable String[] tags;

  @Inject
  public PaymentHandler(
      @Qualifier("ledger") Ledger ledger,
      @Value("${app.fee-cents}") long feeCents,
      @Named(AUDIT) @Nullable Ledger audit,
      @NotBlank(mode = NotBlank.Mode.STRICT) String currency,
      Map<String, @Nullable List<@Nullable String>> routes,
      @Nullable String @Nullable ... tags) {
    this.ledger = ledger;
    this.feeCents = feeCents;
    this.audit = audit;
    this.currency = currency;
    this.routes = routes;
    this.tags = tags;
  }

  protected PaymentHandler(@Qualifier Ledger ledger) {
    this(ledger, 0, null, "EUR", Map.of());
  }

  @IdempotentHandler(key = "payment.id")
  public void capture(Payment payment) {
    ledger.book(payment.id(), payment.amountCents() + feeCents);
    if (audit != null) {
      audit.book(payment.id() + " " + currency + " " + routes.keySet() + " " + tags.length, 0);
    }
  }
}
