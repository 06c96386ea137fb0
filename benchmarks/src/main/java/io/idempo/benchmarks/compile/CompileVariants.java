package io.idempo.benchmarks.compile;

import java.util.ArrayList;
import java.util.List;

/** The javac options of each compile-time variant. */
public final class CompileVariants {

  public static final String JAVAC = "javac";
  public static final String JAVAC_PROCESSOR = "javac+processor";
  /**
   * javac over the corpus plus the wrappers the processor generates, without running it: the
   * difference to {@link #JAVAC_PROCESSOR} is the processor's own time, the difference to {@link
   * #JAVAC} the time to compile what it generated.
   */
  public static final String JAVAC_WRAPPERS = "javac+wrappers";
  /**
   * javac with a processor that writes the same wrapper sources, captured beforehand, and does
   * nothing else ({@link PregeneratedSourcesProcessor}): the floor of any processor that generates
   * them. The difference to {@link #JAVAC_PROCESSOR} is the time Idempo's processor spends itself.
   */
  public static final String JAVAC_FILER = "javac+filer";

  public static final String ERRORPRONE = "errorprone";
  public static final String ERRORPRONE_CHECK = "errorprone+check";
  /**
   * Error Prone with one check enabled that is handed every method and reports nothing ({@link
   * EveryMethodNoOp}): the floor of any method check. The difference to {@link #ERRORPRONE_CHECK}
   * is the time {@code NonIdempotentMutation} spends itself.
   */
  public static final String ERRORPRONE_NOOP = "errorprone+noop";

  /** Every variant, in report order. */
  public static final List<String> ALL =
      List.of(
          JAVAC,
          JAVAC_PROCESSOR,
          JAVAC_FILER,
          JAVAC_WRAPPERS,
          ERRORPRONE,
          ERRORPRONE_CHECK,
          ERRORPRONE_NOOP);

  /** The processor's class name (loaded by javac, not referenced here). */
  static final String PROCESSOR = "io.idempo.processor.IdempotentHandlerProcessor";

  /** The check's name, as Error Prone's {@code -Xep:} flag spells it. */
  static final String CHECK = "NonIdempotentMutation";

  private CompileVariants() {}

  /**
   * The variant that {@code variant}'s added time is measured against: {@code javac} for the
   * processor's variants, {@code errorprone} for the checks'; null for a baseline.
   */
  public static String baseline(String variant) {
    return switch (variant) {
      case JAVAC_PROCESSOR, JAVAC_FILER, JAVAC_WRAPPERS -> JAVAC;
      case ERRORPRONE_CHECK, ERRORPRONE_NOOP -> ERRORPRONE;
      default -> null;
    };
  }

  /** The options for {@code variant}. */
  public static List<String> options(String variant) {
    List<String> options = new ArrayList<>(List.of("--release", "17"));
    switch (variant) {
      case JAVAC, JAVAC_WRAPPERS -> options.add("-proc:none");
      case JAVAC_PROCESSOR -> options.addAll(List.of("-processor", PROCESSOR));
      case JAVAC_FILER ->
          options.addAll(List.of("-processor", PregeneratedSourcesProcessor.class.getName()));
      case ERRORPRONE -> {
        options.add("-proc:none");
        options.addAll(errorProne(""));
      }
      case ERRORPRONE_CHECK -> {
        options.add("-proc:none");
        options.addAll(errorProne(" -Xep:" + CHECK + ":WARN"));
      }
      case ERRORPRONE_NOOP -> {
        options.add("-proc:none");
        options.addAll(errorProne(" -Xep:" + EveryMethodNoOp.class.getSimpleName() + ":WARN"));
      }
      default ->
          throw new IllegalArgumentException(
              "unknown compile variant '" + variant + "'; use one of " + ALL);
    }
    return options;
  }

  private static List<String> errorProne(String extra) {
    return List.of(
        "-XDcompilePolicy=simple",
        "--should-stop=ifError=FLOW",
        "-Xplugin:ErrorProne -XepDisableAllChecks" + extra);
  }
}
