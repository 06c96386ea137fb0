package io.idempo.processor.e2e;

import java.io.IOException;
import java.util.List;

/**
 * What {@code BatchEndToEndTest} calls on the batch handler compiled at test time (from {@code
 * src/test/resources/e2e/Batches}) and on its generated wrapper.
 */
public interface BatchApi {

  /** A {@code List} batch in transactional mode, with a checked exception. */
  void settle(List<Payment> payments) throws IOException;

  /** A {@code List} batch in lease mode, keyed by a nested path. */
  void welcome(List<Payment> payments);

  /** An array batch after another parameter, which the wrapper passes on unchanged. */
  void refund(String reason, Payment... payments);

  /** Each batch the handler bodies received, as "method: id, id, ...", in call order. */
  List<String> received();
}
