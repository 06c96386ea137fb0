package io.idempo.examples.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The payments service in a JVM of its own, on the test class path, with its output in a file. */
final class ChildService {

  private final Process process;
  private final Path log;

  private ChildService(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ChildService start(String name, Path logDir, List<String> arguments) throws IOException {
    String classPath = System.getProperty("java.class.path");
    if (!classPath.contains("test-classes")) {
      throw new IllegalStateException(
          "the test class path is not visible (surefire useManifestOnlyJar must be false): "
              + classPath);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(classPath);
    command.add(PaymentsApplication.class.getName());
    command.addAll(arguments);
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    return new ChildService(builder.start(), log);
  }

  /** Waits for the process to end by itself; -1 if it did not within {@code seconds} (then kills it). */
  int awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      kill();
      return -1;
    }
    return process.exitValue();
  }

  /** SIGTERM: Spring closes the context (listeners, relay, pool) and the JVM exits. */
  int stop(long seconds) throws InterruptedException {
    process.destroy();
    return awaitExit(seconds);
  }

  /** SIGKILL on Linux: no shutdown hooks, sockets dropped by the kernel. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String output() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  Path log() {
    return log;
  }
}
