package io.idempo.reliability;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.IdempotentHandler;
import io.idempo.reliability.ledger.IdempotentLedgerHandler;
import io.idempo.runtime.Claim;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.IdempotencyStore;
import io.idempo.runtime.InMemoryIdempotencyStore;
import io.idempo.runtime.ResultCodec;
import io.idempo.runtime.ResultCodecs;
import io.idempo.runtime.jdbc.Dialect;
import io.idempo.runtime.jdbc.JdbcIdempotencyStore;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** Stored results, table names and keys as attack surface. */
class SecurityTest {

  /** Records whether Java deserialization ever instantiated it. */
  static final class Tripwire implements Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger DESERIALIZED = new AtomicInteger();
    final String payload = "gadget";

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      DESERIALIZED.incrementAndGet();
    }
  }

  enum Colour {
    RED
  }

  private static final HandlerDescriptor HANDLER =
      HandlerDescriptor.builder("security-handler").keyPath("event.id").build();

  private static final List<Class<?>> BUILT_IN =
      List.of(
          String.class, Boolean.class, Byte.class, Short.class, Integer.class, Long.class,
          Float.class, Double.class, Character.class, UUID.class, BigInteger.class, BigDecimal.class,
          Instant.class, LocalDate.class, LocalDateTime.class, LocalTime.class, OffsetDateTime.class,
          OffsetTime.class, ZonedDateTime.class, Duration.class, Period.class, Year.class,
          YearMonth.class, MonthDay.class, ZoneId.class, byte[].class, Colour.class);

  @Test
  void storedSerializedObjectsAreNeverDeserialized() throws Exception {
    byte[] serialized = serialize(new Tripwire());
    int before = Tripwire.DESERIALIZED.get();
    Map<String, IdempotencyStore> stores = new LinkedHashMap<>();
    stores.put("in-memory", new InMemoryIdempotencyStore());
    stores.put("H2", h2Store("sec_deser"));
    String schema = Postgres.freshSchema("sec_deser");
    String mariaDbDatabase = Databases.fresh(Databases.MARIADB, "sec_deser");
    try (SimplePool pg = new SimplePool(Postgres.url(schema));
        SimplePool mariaDb = new SimplePool(Databases.url(Databases.MARIADB, mariaDbDatabase))) {
      JdbcIdempotencyStore pgStore = JdbcIdempotencyStore.builder(pg).dialect(Dialect.POSTGRESQL).build();
      pgStore.createTableIfMissing();
      stores.put("PostgreSQL", pgStore);
      JdbcIdempotencyStore mariaDbStore =
          JdbcIdempotencyStore.builder(mariaDb).dialect(Dialect.MARIADB).build();
      mariaDbStore.createTableIfMissing();
      stores.put("MariaDB", mariaDbStore);
      for (Map.Entry<String, IdempotencyStore> entry : stores.entrySet()) {
        IdempotencyStore store = entry.getValue();
        store.claim(HANDLER, "gadget").complete(serialized);
        Claim replay = store.claim(HANDLER, "gadget");
        assertWithMessage("%s replays a duplicate", entry.getKey()).that(replay.isDuplicate()).isTrue();
        byte[] replayed = replay.replayedResult();
        assertWithMessage("%s returns the stored bytes untouched", entry.getKey())
            .that(replayed)
            .isEqualTo(serialized);
        for (Class<?> type : BUILT_IN) {
          decodeCleanly(type, replayed);
        }
      }
    }
    assertWithMessage("objects deserialized while storing, replaying and decoding")
        .that(Tripwire.DESERIALIZED.get())
        .isEqualTo(before);
  }

  /** A built-in codec either yields plain data of its own type or fails with a clear exception. */
  private static <T> void decodeCleanly(Class<T> type, byte[] bytes) {
    ResultCodec<T> codec = ResultCodecs.builtIn(type);
    Object decoded;
    try {
      decoded = codec.decode(bytes);
    } catch (RuntimeException e) {
      assertWithMessage("failure message of the %s codec", type.getSimpleName())
          .that(e.getMessage())
          .isNotEmpty();
      return;
    }
    assertWithMessage("decoded type of the %s codec", type.getSimpleName())
        .that(decoded.getClass())
        .isEqualTo(type == Colour.class ? Colour.class : type);
  }

  @Test
  void runtimeAndGeneratedCodeNeverUseJavaDeserialization() throws Exception {
    List<String> offenders = new ArrayList<>();
    scan(location(IdempotencyStore.class), offenders);
    scan(location(IdempotentHandler.class), offenders);
    String wrapper = IdempotentLedgerHandler.class.getName().replace('.', '/') + ".class";
    try (InputStream in = SecurityTest.class.getClassLoader().getResourceAsStream(wrapper)) {
      check(wrapper, in.readAllBytes(), offenders);
    }
    assertWithMessage("classes that reference Java deserialization").that(offenders).isEmpty();
  }

  private static void scan(File location, List<String> offenders) throws IOException {
    if (location.isDirectory()) {
      try (Stream<Path> files = Files.walk(location.toPath())) {
        for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
          check(f.toString(), Files.readAllBytes(f), offenders);
        }
      }
      return;
    }
    try (ZipFile jar = new ZipFile(location)) {
      for (ZipEntry e : jar.stream().map(ZipEntry.class::cast).toList()) {
        if (e.getName().endsWith(".class")) {
          try (InputStream in = jar.getInputStream(e)) {
            check(e.getName(), in.readAllBytes(), offenders);
          }
        }
      }
    }
  }

  private static void check(String name, byte[] classFile, List<String> offenders) {
    String text = new String(classFile, StandardCharsets.ISO_8859_1);
    for (String forbidden : List.of("java/io/ObjectInputStream", "java/beans/XMLDecoder", "java/io/ObjectInput;")) {
      if (text.contains(forbidden)) {
        offenders.add(name + " references " + forbidden);
      }
    }
  }

  @Test
  void hostileTableNamesAreRefusedBeforeAnySql() {
    DataSource untouchable = untouchableDataSource();
    List<String> hostile =
        List.of(
            "x; DROP TABLE y",
            "idempo_claims; --",
            "\"quoted\"",
            "idempo claims",
            "",
            "a.b.c",
            "1table",
            "tab`le",
            "t'able",
            "täble",
            "t".repeat(49),
            "schema..table",
            ".t",
            "t.",
            "t\u0000",
            "t\n",
            "t/*x*/",
            "t--",
            "pg_catalog.pg_class;");
    for (String name : hostile) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> JdbcIdempotencyStore.builder(untouchable).dialect(Dialect.POSTGRESQL).tableName(name).build(),
              "table name '" + name + "'");
      assertWithMessage("message for table name '%s'", name).that(e.getMessage()).isNotEmpty();
    }
  }

  @Test
  void hostileAndHugeKeysAreHarmlessOnH2() throws Exception {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:sec_keys;DB_CLOSE_DELAY=-1");
    hostileKeys(h2, Dialect.H2);
  }

  @Test
  void hostileAndHugeKeysAreHarmlessOnPostgres() throws Exception {
    try (SimplePool pg = new SimplePool(Postgres.url(Postgres.freshSchema("sec_keys")))) {
      hostileKeys(pg, Dialect.POSTGRESQL);
    }
  }

  @Test
  void hostileAndHugeKeysAreHarmlessOnMariaDb() throws Exception {
    String database = Databases.fresh(Databases.MARIADB, "sec_keys");
    try (SimplePool mariaDb = new SimplePool(Databases.url(Databases.MARIADB, database))) {
      hostileKeys(mariaDb, Dialect.MARIADB);
    }
  }

  private static void hostileKeys(DataSource db, Dialect dialect) throws Exception {
    JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(db).dialect(dialect).build();
    store.createTableIfMissing();
    String megabyte = "k".repeat(1 << 20);
    List<String> keys =
        List.of(
            "'; DROP TABLE idempo_claims; --",
            "x' OR '1'='1",
            "\\'; DELETE FROM idempo_claims; --",
            "$$; DROP TABLE idempo_claims; $$",
            "Robert'); DROP TABLE idempo_claims;--",
            "a\u0000b",
            "é".repeat(255),
            "x".repeat(256),
            megabyte + "a",
            megabyte + "b");
    for (String key : keys) {
      Claim first = store.claim(HANDLER, key);
      assertWithMessage("first delivery of a %s-character key", key.length()).that(first.isDuplicate()).isFalse();
      first.complete(null);
      assertWithMessage("second delivery of a %s-character key", key.length())
          .that(store.claim(HANDLER, key).isDuplicate())
          .isTrue();
    }
    List<String> stored = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT idempotency_key FROM idempo_claims");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        stored.add(r.getString(1));
      }
    }
    List<String> expected = new ArrayList<>();
    for (String key : keys) {
      boolean asIs = key.length() <= 255 && key.indexOf('\u0000') < 0;
      expected.add(asIs ? key : "sha256:" + sha256Hex(key));
    }
    // The table survived every key, holds one row per key, and keys are stored as documented.
    assertThat(stored).containsExactlyElementsIn(expected);
  }

  private static String sha256Hex(String key) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  private static JdbcIdempotencyStore h2Store(String name) {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(h2).dialect(Dialect.H2).build();
    store.createTableIfMissing();
    return store;
  }

  private static byte[] serialize(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  private static File location(Class<?> type) throws URISyntaxException {
    return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static DataSource untouchableDataSource() {
    return (DataSource)
        java.lang.reflect.Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              throw new AssertionError("the store touched the database with a hostile table name");
            });
  }

}
