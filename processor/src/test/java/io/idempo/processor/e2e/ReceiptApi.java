package io.idempo.processor.e2e;

import java.util.List;

/**
 * What the end-to-end test calls on the receipt handler compiled at test time (from {@code
 * src/test/resources/e2e/Receipts}) and on its generated wrapper.
 */
public interface ReceiptApi {

  /** A record result. */
  Receipt issue(Payment payment);

  /** A generic result. */
  List<Receipt> history(Payment payment);

  /** How often any handler method body ran. */
  int runs();
}
