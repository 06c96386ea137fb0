package io.idempo.checker;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

/** The lexical SQL analysis on its own. */
class SqlAnalyzerTest {

  private static String columns(String sql) {
    return SqlAnalyzer.relativeUpdates(sql).stream()
        .map(SqlAnalyzer.RelativeUpdate::column)
        .reduce((a, b) -> a + "," + b)
        .orElse("");
  }

  @Test
  void selfRelativeUpdatesAreFound() {
    assertThat(columns("UPDATE account SET balance = balance + ? WHERE id = ?")).isEqualTo("balance");
    assertThat(columns("update stock set qty=qty-:q where sku=:sku")).isEqualTo("qty");
    assertThat(columns("UPDATE \"account\" a SET \"balance\" = a.\"balance\" - ?, updated = now() WHERE a.id = ?"))
        .isEqualTo("balance");
    assertThat(columns("update Account a set a.points = a.points + :n where a.id = :id")).isEqualTo("points");
    assertThat(columns("UPDATE t SET hits = COALESCE(hits, 0) + 1, tags = tags || ? WHERE id = ?"))
        .isEqualTo("hits,tags");
    assertThat(columns("INSERT INTO c (k, n) VALUES (?, 1) ON CONFLICT (k) DO UPDATE SET n = c.n + 1"))
        .isEqualTo("n");
    assertThat(columns("INSERT INTO c (k, n) VALUES (?, 1) ON DUPLICATE KEY UPDATE n = n + 1")).isEqualTo("n");
    assertThat(columns("MERGE INTO c USING d ON c.k = d.k WHEN MATCHED THEN UPDATE SET n = c.n + d.n"))
        .isEqualTo("n");
    assertThat(
            columns(
                "update pms_stock set stock = CASE product_id WHEN ? THEN stock - ? WHEN ? THEN"
                    + " stock - ? END where product_id in (?, ?)"))
        .isEqualTo("stock");
  }

  @Test
  void idempotentStatementsPass() {
    assertThat(columns("UPDATE account SET balance = ? WHERE id = ?")).isEmpty();
    assertThat(columns("UPDATE account SET status = 'PAID', paid_at = now() WHERE id = ?")).isEmpty();
    assertThat(columns("UPDATE t SET high = GREATEST(high, ?) WHERE id = ?")).isEmpty();
    assertThat(columns("UPDATE t SET note = COALESCE(note, ?) WHERE id = ?")).isEmpty();
    assertThat(columns("INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v"))
        .isEmpty();
    assertThat(columns("INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT DO NOTHING")).isEmpty();
    assertThat(columns("SELECT balance + 1 FROM account WHERE id = ?")).isEmpty();
    assertThat(columns("UPDATE t SET n = :n + 1 WHERE id = :id")).isEmpty();
    assertThat(columns("UPDATE t SET msg = 'balance = balance + 1' WHERE id = ?")).isEmpty();
    assertThat(columns(null)).isEmpty();
  }

  @Test
  void guardedStatementsPass() {
    assertThat(columns("UPDATE orders SET status = 'PAID', total = total - ? WHERE id = ? AND status = 'NEW'"))
        .isEmpty();
    assertThat(columns("UPDATE a SET balance = balance + ?, last_event = ? WHERE id = ? AND last_event <> ?"))
        .isEmpty();
    assertThat(columns("UPDATE a SET seq = seq + 1 WHERE id = ? AND seq = ?")).isEmpty();
    assertThat(columns("UPDATE a SET version = version + 1, name = ? WHERE id = ?")).isEmpty();
    assertThat(
            columns(
                "UPDATE a SET n = n + 1 WHERE id = ? AND NOT EXISTS (SELECT 1 FROM processed p WHERE p.id = ?)"))
        .isEmpty();
    assertThat(columns("UPDATE stock SET qty = qty - ? WHERE sku = ? AND qty >= ?")).isEqualTo("qty");
  }
}
