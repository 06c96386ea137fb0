package io.idempo.test;

import io.idempo.runtime.outbox.InMemoryMessagePublisher;
import io.idempo.runtime.outbox.OutboxEnvelope;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The messages a handler sent, as state: a second delivery must not send a message again. Compared
 * as a multiset, without the ids and timestamps each send generates.
 */
public final class MessageState {

  /** The outbox columns that differ between two sends of the same message. */
  private static final String[] OUTBOX_VOLATILE_COLUMNS = {
    "seq", "message_id", "created_at", "attempts", "next_attempt_at", "last_error", "sent_at"
  };

  private MessageState() {}

  /**
   * The messages {@code publisher} accepted: destination, key, payload and headers (not the id,
   * which the outbox generates per send).
   */
  public static StateSource published(InMemoryMessagePublisher publisher) {
    Objects.requireNonNull(publisher, "publisher");
    return () -> {
      List<Row> rows = new ArrayList<>();
      for (OutboxEnvelope message : publisher.published()) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("destination", message.destination());
        values.put("key", message.key());
        values.put("payload", message.payload());
        values.put("headers", message.headers());
        rows.add(Row.of(values));
      }
      return List.of(Table.of("published messages", rows));
    };
  }

  /** The rows of the JDBC outbox table {@code idempo_outbox}. */
  public static StateSource outbox(DataSource dataSource) {
    return outbox(dataSource, "idempo_outbox");
  }

  /**
   * The rows of the JDBC outbox table {@code table}: destination, key, payload and headers, without
   * the sequence, id, timestamps and relay bookkeeping.
   */
  public static StateSource outbox(DataSource dataSource, String table) {
    return JdbcState.tables(dataSource, table).ignoringColumns(OUTBOX_VOLATILE_COLUMNS);
  }

  /**
   * Whatever {@code messages} returns (a fake mail sink's list, a recording Kafka template's sends),
   * one row per element, compared by {@code equals}, under {@code name}.
   */
  public static StateSource of(String name, Supplier<? extends Collection<?>> messages) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(messages, "messages");
    return () -> {
      List<Row> rows = new ArrayList<>();
      for (Object message : new ArrayList<>(messages.get())) {
        rows.add(Row.of("message", message));
      }
      return List.of(Table.of(name, rows));
    };
  }
}
