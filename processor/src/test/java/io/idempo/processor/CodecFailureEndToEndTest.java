package io.idempo.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.idempo.runtime.IdempotencyStore;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * A result the handler's codec cannot encode: the wrapper releases the claim, rethrows the codec's
 * exception, and leaves no transaction open on the thread, so the next delivery on that thread
 * claims and commits on its own.
 */
class CodecFailureEndToEndTest {

  @Test
  void aResultTheCodecCannotEncodeReleasesTheClaimAndEndsItsTransaction() throws Exception {
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new IdempotentHandlerProcessor())
            .compile(
                JavaFileObjects.forSourceString(
                    "codecs.Echo",
                    """
                    package codecs;
                    import io.idempo.IdempotentHandler;
                    import io.idempo.runtime.ResultCodec;
                    import java.nio.charset.StandardCharsets;
                    public class Echo {
                      public int runs;
                      public static final class PickyCodec implements ResultCodec<String> {
                        @Override public byte[] encode(String value) {
                          if (value.startsWith("bad")) {
                            throw new IllegalStateException("cannot encode " + value);
                          }
                          return value.getBytes(StandardCharsets.UTF_8);
                        }
                        @Override public String decode(byte[] bytes) {
                          return new String(bytes, StandardCharsets.UTF_8);
                        }
                      }
                      @IdempotentHandler(key = "text", codec = PickyCodec.class)
                      public String echo(String text) {
                        runs++;
                        return text;
                      }
                    }
                    """));
    assertThat(compilation).succeeded();
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:codec-failure;DB_CLOSE_DELAY=-1");
    JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(dataSource).build();
    store.createTableIfMissing();
    Class<?> wrapperClass =
        new CompiledClasses(compilation).loadClass("codecs.IdempotentEcho");
    Object echo = wrapperClass.getConstructor(IdempotencyStore.class).newInstance(store);
    Method call = wrapperClass.getMethod("echo", String.class);

    InvocationTargetException failed =
        assertThrows(InvocationTargetException.class, () -> call.invoke(echo, "bad-1"));
    assertThat(failed.getCause()).isInstanceOf(IllegalStateException.class);
    assertThat(failed.getCause()).hasMessageThat().isEqualTo("cannot encode bad-1");
    // Released: the redelivery runs the handler again.
    assertThrows(InvocationTargetException.class, () -> call.invoke(echo, "bad-1"));
    assertThat(wrapperClass.getField("runs").getInt(echo)).isEqualTo(2);

    // No transaction was left on this thread: the next delivery commits by itself.
    assertThat(call.invoke(echo, "good-1")).isEqualTo("good-1");
    assertThat(completedRecords(dataSource)).isEqualTo(1);
    assertThat(call.invoke(echo, "good-1")).isEqualTo("good-1");
    assertThat(wrapperClass.getField("runs").getInt(echo)).isEqualTo(3);
  }

  private static long completedRecords(JdbcDataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM idempo_claims")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
