package io.idempo.checker;

import static com.google.common.truth.Truth.assertThat;

import com.google.errorprone.BaseErrorProneJavaCompiler;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.scanner.ScannerSupplier;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two modules: services compiled first (with the check, which writes their summaries beside the
 * class files), then a listener module that has only their classes on its class path. A handler
 * calling into the earlier module is reported as if both were compiled together.
 */
class CrossModuleTest {

  @TempDir Path work;

  private static final List<String> SERVICES =
      List.of(
          "package shop;\n"
              + "public class Member {\n"
              + "  private int points;\n"
              + "  private String name;\n"
              + "  public int getPoints() { return points; }\n"
              + "  public void setPoints(int p) { points = p; }\n"
              + "  public void setName(String n) { name = n; }\n"
              + "}\n",
          "package shop;\n"
              + "public interface Members {\n"
              + "  java.util.Optional<Member> findById(String id);\n"
              + "  Member save(Member m);\n"
              + "}\n",
          "package shop;\n"
              + "public class LoyaltyService {\n"
              + "  private final Members members;\n"
              + "  public LoyaltyService(Members members) { this.members = members; }\n"
              + "  public void award(String id, int n) {\n"
              + "    Member m = members.findById(id).orElseThrow();\n"
              + "    m.setPoints(m.getPoints() + n);\n"
              + "    members.save(m);\n"
              + "  }\n"
              + "  public void rename(String id, String name) {\n"
              + "    members.findById(id).orElseThrow().setName(name);\n"
              + "  }\n"
              + "}\n",
          "package shop;\n"
              + "public interface Rewards {\n"
              + "  void reward(String id, int n);\n"
              + "  default void rewardTwice(String id, int n) { reward(id, n); reward(id, n); }\n"
              + "}\n",
          "package shop;\n"
              + "public class RewardsImpl implements Rewards {\n"
              + "  private final java.util.Map<String, Integer> totals = new java.util.HashMap<>();\n"
              + "  @Override public void reward(String id, int n) { totals.merge(id, n, Integer::sum); }\n"
              + "}\n",
          "package shop;\n"
              + "public class OrderPlaced {\n"
              + "  public final String memberId;\n"
              + "  public OrderPlaced(String memberId) {\n"
              + "    this.memberId = java.util.Objects.requireNonNull(memberId);\n"
              + "  }\n"
              + "}\n");

  /** Compiles the services module with Error Prone and the check, as a Maven module would. */
  private Path compileServices() throws IOException {
    Path sources = Files.createDirectories(work.resolve("services-src/shop"));
    Path classes = Files.createDirectories(work.resolve("services-classes"));
    for (String source : SERVICES) {
      String name = source.split("public (class|interface) ")[1].split("[ {]")[0];
      Files.writeString(sources.resolve(name + ".java"), source);
    }
    JavaCompiler javac =
        new BaseErrorProneJavaCompiler(ScannerSupplier.fromBugCheckerClasses(NonIdempotentMutation.class));
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null);
        Stream<Path> walk = Files.list(sources)) {
      StringWriter output = new StringWriter();
      boolean ok =
          javac
              .getTask(
                  output,
                  files,
                  null,
                  List.of(
                      "-d", classes.toString(),
                      "-proc:none",
                      "-XDcompilePolicy=simple",
                      "--should-stop=ifError=FLOW"),
                  null,
                  files.getJavaFileObjectsFromPaths(walk.toList()))
              .call();
      assertThat(output.toString()).isEmpty();
      assertThat(ok).isTrue();
    }
    return classes;
  }

  @Test
  void callsIntoAnEarlierModuleAreFollowedThroughItsSummaries() throws IOException {
    Path services = compileServices();
    assertThat(Files.exists(services.resolve("shop/LoyaltyService.idempo"))).isTrue();
    assertThat(Files.readString(services.resolve("shop/Rewards.idempo")))
        .contains("impl\tshop.RewardsImpl");
    // The check follows calls, not `new`: a constructor's summary would be read by nobody.
    assertThat(Files.exists(services.resolve("shop/OrderPlaced.idempo"))).isFalse();
    listenerCallingServices(services).doTest();
  }

  @Test
  void callsIntoAnInstalledJarAreFollowedThroughTheSummariesItCarries() throws IOException {
    Path services = compileServices();
    Path jar = work.resolve("shop-services-1.0.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> walk = Files.walk(services)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(services.relativize(file).toString().replace(File.separatorChar, '/')));
        out.write(Files.readAllBytes(file));
        out.closeEntry();
      }
    }
    listenerCallingServices(jar).doTest();
  }

  /**
   * A listener module compiled with only {@code services} (a class folder or a jar) on its class
   * path: each call into it that reaches a read-modify-write is expected to be reported.
   */
  private CompilationTestHelper listenerCallingServices(Path services) {
    return Sources.helper(
            getClass(),
            "-classpath",
            System.getProperty("java.class.path") + File.pathSeparator + services)
        .addSourceLines(
            "listeners/Listener.java",
            "package listeners;",
            "import io.idempo.IdempotentHandler;",
            "import shop.*;",
            "class Listener {",
            "  private LoyaltyService loyalty;",
            "  private Rewards rewards;",
            "  @IdempotentHandler void onOrder(String memberId, int points) {",
            "    // BUG: Diagnostic contains: `setPoints(…)` fed by its own `points` through"
                + " `LoyaltyService.award` at LoyaltyService.java:7",
            "    loyalty.award(memberId, points);",
            "    loyalty.rename(memberId, \"gold\");",
            "    // BUG: Diagnostic contains: `totals.merge(…)` through `RewardsImpl.reward`",
            "    rewards.reward(memberId, points);",
            "    // BUG: Diagnostic contains: `totals.merge(…)` through `Rewards.rewardTwice` →"
                + " `RewardsImpl.reward`",
            "    rewards.rewardTwice(memberId, points);",
            "  }",
            "}");
  }

  @Test
  void missingOrOtherVersionSummariesReadAsNothing() {
    assertThat(SummaryFile.read("").methods()).isEmpty();
    assertThat(SummaryFile.read("idempo-summary\t2\nmethod\tf()\n").methods()).isEmpty();
    assertThat(SummaryFile.read("idempo-summary\t1\nmethod\tf()\nmutation\tNOPE\n").methods())
        .isEmpty();
    assertThat(SummaryFile.read("idempo-summary\t1\nmethod\tf()\nreturned\tTHIS\n").methods())
        .containsKey("f()");
  }
}
