package io.idempo.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReplayedResultsTest {

  private static final HandlerDescriptor TOTAL = HandlerDescriptor.builder("billing#total").build();

  @Test
  void aRecordedResultIsReturnedAsIs() {
    Long recorded = 1202L;

    assertThat(ReplayedResults.ofPrimitive(recorded, TOTAL, "long")).isSameInstanceAs(recorded);
  }

  @Test
  void aMissingResultOfAPrimitiveIsAStoreProblemNamingTheHandlerAndType() {
    IdempotencyStoreException e =
        assertThrows(
            IdempotencyStoreException.class,
            () -> ReplayedResults.ofPrimitive(null, TOTAL, "long"));

    assertThat(e)
        .hasMessageThat()
        .isEqualTo(
            "the store recorded no result for handler billing#total, whose return type long"
                + " cannot be null");
  }
}
