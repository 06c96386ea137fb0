package io.idempo.reliability;

/**
 * Quick form (inside {@code ./mvnw verify}) or full form ({@code -Didempo.reliability.full=true}) of
 * every suite; docs/reliability.md lists both.
 */
final class Sizes {

  static final boolean FULL = Boolean.getBoolean("idempo.reliability.full");

  /** SIGKILLs per crash-suite run (each mode). */
  static final int KILLS = FULL ? 25 : 5;

  /** Events of the multi-process stream; with 30% duplicates, full form is 1M deliveries. */
  static final int MULTI_PROCESS_EVENTS = FULL ? 700_000 : 2_000;

  /** Deliveries with an injected fault (each kind) in the fault suite. */
  static final int FAULTS_PER_KIND = FULL ? 40 : 6;

  /** Random handler sources compiled by the fuzz suite. */
  static final int FUZZ_CASES = FULL ? 600 : 60;

  /** Guava source packages compiled with the check on (quick: one package). */
  static final boolean ALL_GUAVA = FULL;

  /** The seed for every random choice; {@code -Didempo.reliability.seed=N} replays another run. */
  static final long SEED = Long.getLong("idempo.reliability.seed", 20_261_127L);

  private Sizes() {}
}
