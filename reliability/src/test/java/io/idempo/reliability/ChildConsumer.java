package io.idempo.reliability;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A {@link Consumer} in its own JVM, which the test can SIGKILL. */
final class ChildConsumer {

  private final Process process;
  private final List<String> output = new ArrayList<>();
  private final CountDownLatch started = new CountDownLatch(1);
  final String incarnation;

  private ChildConsumer(Process process, String incarnation) {
    this.process = process;
    this.incarnation = incarnation;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  synchronized (output) {
                    output.add(line);
                  }
                  if (line.equals("STARTED")) {
                    started.countDown();
                  }
                }
              } catch (IOException e) {
                // the process was killed
              }
            },
            "child-" + incarnation);
    reader.setDaemon(true);
    reader.start();
  }

  static ChildConsumer start(
      String url, Consumer.Mode mode, int threads, String incarnation, long maxPauseMicros, Path logDir)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("java.class.path");
    if (!classPath.contains("test-classes")) {
      throw new IllegalStateException(
          "the test class path is not visible (surefire useManifestOnlyJar must be false): " + classPath);
    }
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            classPath,
            Consumer.class.getName(),
            url,
            mode.name(),
            String.valueOf(threads),
            incarnation,
            String.valueOf(maxPauseMicros));
    File log = logDir.resolve(incarnation + ".err").toFile();
    builder.redirectError(log);
    return new ChildConsumer(builder.start(), incarnation);
  }

  boolean awaitStarted(long seconds) throws InterruptedException {
    return started.await(seconds, TimeUnit.SECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL on Linux: no shutdown hooks, no finally blocks, sockets dropped by the kernel. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Waits for a normal exit; returns the exit code, or -1 if it did not exit in time (then kills). */
  int awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      kill();
      return -1;
    }
    return process.exitValue();
  }

  /** The STATS line's value for {@code name}, or 0. */
  long stat(String name) {
    synchronized (output) {
      for (String line : output) {
        if (line.startsWith("STATS ")) {
          for (String part : line.substring(6).split(" ", -1)) {
            String[] kv = part.split("=", 2);
            if (kv[0].equals(name)) {
              return Long.parseLong(kv[1]);
            }
          }
        }
      }
    }
    return 0;
  }
}
