package io.idempo.checker;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.TypeSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import com.sun.tools.javac.util.Context;
import java.lang.ref.WeakReference;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Everything the check knows about libraries and naming, in one place: types that hold state
 * (atomics, adders, maps, lists, queues) and which of their calls read-modify-write; Redis and
 * MongoDB operations; SQL shapes of dedup inserts; the name prefixes of queries, lookups,
 * transitions and claims; metrics and logging types; and handler annotations that only replay.
 * Teaching the check a library is an edit of this file.
 */
final class Vocabulary {

  private static final ImmutableSet<String> COUNTER_TYPES =
      ImmutableSet.of(
          "java.util.concurrent.atomic.AtomicInteger",
          "java.util.concurrent.atomic.AtomicLong",
          "java.util.concurrent.atomic.AtomicIntegerArray",
          "java.util.concurrent.atomic.AtomicLongArray",
          "java.util.concurrent.atomic.LongAdder",
          "java.util.concurrent.atomic.DoubleAdder",
          "java.util.concurrent.atomic.AtomicIntegerFieldUpdater",
          "java.util.concurrent.atomic.AtomicLongFieldUpdater");

  private static final ImmutableSet<String> UPDATABLE_TYPES =
      ImmutableSet.of(
          "java.util.concurrent.atomic.AtomicInteger",
          "java.util.concurrent.atomic.AtomicLong",
          "java.util.concurrent.atomic.AtomicReference",
          "java.util.concurrent.atomic.AtomicIntegerArray",
          "java.util.concurrent.atomic.AtomicLongArray",
          "java.util.concurrent.atomic.AtomicReferenceArray");

  /** Counter operations: every call moves the value. */
  private static final ImmutableSet<String> COUNTER_METHODS =
      ImmutableSet.of(
          "incrementAndGet",
          "getAndIncrement",
          "decrementAndGet",
          "getAndDecrement",
          "addAndGet",
          "getAndAdd",
          "increment",
          "decrement",
          "add");

  /** Operations that apply a function to the current value. */
  static final ImmutableSet<String> UPDATE_METHODS =
      ImmutableSet.of("updateAndGet", "getAndUpdate", "accumulateAndGet", "getAndAccumulate");

  /** Appends: a second call adds a second element. */
  private static final ImmutableSet<String> APPEND_METHODS =
      ImmutableSet.of(
          "add", "addAll", "addFirst", "addLast", "offer", "offerFirst", "offerLast", "push", "put",
          "putAll");

  /** Method names that combine their receiver or arguments into a larger or smaller value. */
  private static final ImmutableSet<String> ACCUMULATING_NAMES =
      ImmutableSet.of(
          "add",
          "subtract",
          "multiply",
          "divide",
          "negate",
          "pow",
          "plus",
          "minus",
          "sum",
          "concat",
          "append",
          "increment",
          "decrement",
          "inc",
          "dec",
          "times",
          "addExact",
          "subtractExact",
          "multiplyExact",
          "incrementExact",
          "decrementExact",
          "negateExact",
          "shiftLeft",
          "shiftRight");

  private static final ImmutableSet<String> ACCUMULATING_PREFIXES =
      ImmutableSet.of("add", "plus", "minus", "subtract", "increment", "decrement");

  /** Merges that are idempotent: applying them twice gives the same value as once. */
  private static final ImmutableSet<String> MONOTONE_NAMES = ImmutableSet.of("max", "min");

  /** No-argument methods that are not property reads. */
  private static final ImmutableSet<String> NOT_PROPERTIES =
      ImmutableSet.of(
          "getClass", "hashCode", "toString", "size", "isEmpty", "length", "iterator", "stream",
          "get", "getAsInt", "getAsLong", "getAsDouble", "orElseThrow", "intValue", "longValue",
          "doubleValue", "sum", "keySet", "values", "entrySet", "isPresent");

  private static final ImmutableSet<String> QUERY_PREFIXES =
      ImmutableSet.of(
          "is", "has", "exists", "contains", "was", "already", "find", "get", "count", "check",
          "lookup", "load", "read", "fetch", "select", "query", "any", "none", "size", "equals",
          "matches", "peek", "stream", "iterator");


  private static final ImmutableSet<String> CLAIM_NAMES =
      ImmutableSet.of(
          "putIfAbsent",
          "setIfAbsent",
          "compareAndSet",
          "weakCompareAndSet",
          "weakCompareAndSetVolatile",
          "weakCompareAndSetPlain",
          "addIfAbsent",
          "insertIfAbsent",
          "saveIfAbsent",
          "recordIfAbsent",
          "markIfAbsent",
          "markIfNew");


  private static final ImmutableSet<String> CLAIM_PREFIXES =
      ImmutableSet.of("claim", "tryClaim", "markProcessed", "markAsProcessed", "tryMark", "tryRecord");


  /** Calls on an object that move it from one state to the next. */
  private static final ImmutableSet<String> TRANSITION_PREFIXES =
      ImmutableSet.of(
          "mark", "confirm", "complete", "approve", "cancel", "close", "finish", "ship", "pay",
          "transition", "activate", "deactivate", "reject", "accept", "settle", "fulfil",
          "fulfill", "expire", "archive", "publish", "submit", "resolve", "refund", "capture",
          "lock", "open", "start", "end", "delete", "remove", "clear", "reset");


  private static final Pattern INSERT_INTO =
      Pattern.compile(
          "\\bINSERT\\s+INTO\\s+([\\w.\"`]+)", Pattern.CASE_INSENSITIVE);


  /** Inserts that do not fail on a duplicate, so they claim nothing. */
  private static final Pattern IGNORING_INSERT =
      Pattern.compile(
          "\\bON\\s+CONFLICT\\b|\\bINSERT\\s+IGNORE\\b|\\bON\\s+DUPLICATE\\s+KEY\\b|\\bMERGE\\b",
          Pattern.CASE_INSENSITIVE);


  private static final Pattern DEDUP_NAME =
      Pattern.compile("processed|inbox|dedup|idempot|handled|consumed|seen|claim");


  /** Static methods that return (a view of) their first argument. */
  private static final ImmutableSet<String> PASS_THROUGH_STATICS =
      ImmutableSet.of("requireNonNull", "requireNonNullElse", "ofNullable", "of");


  private static final ImmutableSet<String> LOOKUP_PREFIXES =
      ImmutableSet.of(
          "find", "get", "load", "fetch", "lookup", "read", "require", "select", "query",
          "compute", "retrieve", "search", "orElse", "or", "locate", "resolve", "current", "by");


  private static final ImmutableSet<String> FRESH_METHOD_PREFIXES =
      ImmutableSet.of("new", "create", "copy", "clone", "build", "to", "collect", "stream");


  static final ImmutableMap<String, Mutation.Kind> REDIS_OPERATIONS =
      ImmutableMap.<String, Mutation.Kind>builder()
          .put("increment", Mutation.Kind.INCREMENT)
          .put("decrement", Mutation.Kind.DECREMENT)
          .put("incr", Mutation.Kind.INCREMENT)
          .put("incrBy", Mutation.Kind.ADD)
          .put("incrByFloat", Mutation.Kind.ADD)
          .put("decr", Mutation.Kind.DECREMENT)
          .put("decrBy", Mutation.Kind.SUBTRACT)
          .put("hincrBy", Mutation.Kind.ADD)
          .put("hincrByFloat", Mutation.Kind.ADD)
          .put("zincrby", Mutation.Kind.ADD)
          .put("incrementScore", Mutation.Kind.ADD)
          .put("leftPush", Mutation.Kind.APPEND)
          .put("rightPush", Mutation.Kind.APPEND)
          .put("leftPushAll", Mutation.Kind.APPEND)
          .put("rightPushAll", Mutation.Kind.APPEND)
          .put("lpush", Mutation.Kind.APPEND)
          .put("rpush", Mutation.Kind.APPEND)
          .buildOrThrow();


  static final ImmutableMap<String, Mutation.Kind> MONGO_OPERATIONS =
      ImmutableMap.of(
          "inc", Mutation.Kind.ADD, "push", Mutation.Kind.APPEND, "mul", Mutation.Kind.SCALE);


  static final ImmutableMap<String, Mutation.Kind> MONGO_OPERATORS =
      ImmutableMap.of(
          "$inc", Mutation.Kind.ADD, "$push", Mutation.Kind.APPEND, "$mul", Mutation.Kind.SCALE);


  /**
   * Handler annotations that replay an aggregate's own events rather than handle a message; they
   * carry a handler annotation (Axon's {@code @EventSourcingHandler} carries {@code @EventHandler})
   * and are never handlers.
   */
  static final ImmutableSet<String> REPLAY_HANDLER_ANNOTATIONS =
      ImmutableSet.of(
          "org.axonframework.eventsourcing.EventSourcingHandler",
          "org.axonframework.eventsourcing.annotation.EventSourcingHandler");

  /** Class annotations of Axon aggregates, whose event handlers are replays. */
  static final ImmutableSet<String> AGGREGATE_ANNOTATIONS =
      ImmutableSet.of(
          "org.axonframework.spring.stereotype.Aggregate",
          "org.axonframework.modelling.command.AggregateRoot",
          "org.axonframework.commandhandling.model.AggregateRoot",
          "org.axonframework.extension.spring.stereotype.EventSourced");

  /** Field annotations that mark an Axon aggregate's identifier. */
  static final ImmutableSet<String> AGGREGATE_ID_ANNOTATIONS =
      ImmutableSet.of(
          "org.axonframework.modelling.command.AggregateIdentifier",
          "org.axonframework.commandhandling.model.AggregateIdentifier");

  /** Loggers: a value read only to be logged is no business state. */
  private static final ImmutableSet<String> MAP_TYPES = ImmutableSet.of("java.util.Map");
  private static final ImmutableSet<String> LIST_TYPES = ImmutableSet.of("java.util.List");
  private static final ImmutableSet<String> SET_TYPES = ImmutableSet.of("java.util.Set");

  /** Containers where adding the same element twice leaves two (sets excepted first). */
  private static final ImmutableSet<String> APPENDABLE_TYPES =
      ImmutableSet.of(
          "java.util.List",
          "java.util.Queue",
          "com.google.common.collect.Multiset",
          "com.google.common.collect.ListMultimap");

  private static final ImmutableSet<String> LOGGER_TYPES =
      ImmutableSet.of(
          "org.slf4j.Logger",
          "java.util.logging.Logger",
          "java.lang.System.Logger",
          "org.apache.logging.log4j.Logger",
          "org.apache.commons.logging.Log",
          "java.io.PrintStream");

  /** Process-local metrics: what they count is no business state. */
  private static final ImmutableSet<String> METRICS_TYPES =
      ImmutableSet.of(
          "io.micrometer.core.instrument.MeterRegistry",
          "io.micrometer.core.instrument.Meter",
          "io.micrometer.core.instrument.Meter.Builder",
          "io.micrometer.core.instrument.Gauge.Builder",
          "io.micrometer.core.instrument.FunctionCounter.Builder",
          "io.micrometer.core.instrument.Metrics",
          "io.prometheus.client.SimpleCollector",
          "io.prometheus.metrics.core.metrics.Metric",
          "com.codahale.metrics.Metric",
          "com.codahale.metrics.MetricRegistry");

  /** Return types of functional handler beans (Spring Cloud Stream's functional model). */
  static final ImmutableSet<String> FUNCTIONAL_HANDLER_TYPES =
      ImmutableSet.of(
          "java.util.function.Consumer",
          "java.util.function.Function",
          "java.util.function.BiConsumer",
          "java.util.function.BiFunction");

  private Vocabulary() {}

  static boolean isQuery(String name) {
    return hasPrefixWord(name, QUERY_PREFIXES);
  }

  static boolean isTransition(String name) {
    return hasPrefixWord(name, TRANSITION_PREFIXES);
  }

  /** Calls with arguments that return stored objects: repository and map lookups. */
  static boolean isLookup(String name) {
    return hasPrefixWord(name, LOOKUP_PREFIXES);
  }

  static boolean makesNewObject(String name) {
    return hasPrefixWord(name, FRESH_METHOD_PREFIXES);
  }

  static boolean isPassThroughStatic(String name) {
    return PASS_THROUGH_STATICS.contains(name);
  }

  /** Calls that claim a key and return whether they did: {@code putIfAbsent}, {@code tryClaim…}. */
  static boolean isClaim(String name) {
    if (CLAIM_NAMES.contains(name)) {
      return true;
    }
    for (String prefix : CLAIM_PREFIXES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a table or repository name says it records handled messages. */
  static boolean isDedupName(String name) {
    return DEDUP_NAME.matcher(name.toLowerCase(Locale.ROOT)).find();
  }

  /** The table of an {@code INSERT} that fails on a duplicate key, or null for any other SQL. */
  static @Nullable String failingInsertTable(String sql) {
    Matcher insert = INSERT_INTO.matcher(sql);
    if (!insert.find() || IGNORING_INSERT.matcher(sql).find()) {
      return null;
    }
    return insert.group(1);
  }

  /** Class-path folders where MyBatis mapper XML files usually live. */
  /** The JDK's own packages: no summaries, no MyBatis mappers, no application code. */
  private static final ImmutableList<String> JDK_PACKAGES =
      ImmutableList.of("java.", "javax.", "jdk.", "sun.", "com.sun.");

  /** {@code equals}, {@code hashCode}, {@code toString}: what an interface may redeclare. */
  static boolean isObjectMethodName(String name) {
    return name.equals("equals") || name.equals("hashCode") || name.equals("toString");
  }

  /** Whether the class with qualified name {@code name} belongs to the JDK. */
  static boolean isJdk(String name) {
    for (String prefix : JDK_PACKAGES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  static final ImmutableList<String> MAPPER_XML_FOLDERS =
      ImmutableList.of("mapper", "mappers", "mybatis", "mapping", "mappings", "sqlmap", "dao");

  /** Names of calls that store a value they are given: {@code updateLevel}, {@code save}, … */
  private static final ImmutableSet<String> WRITE_PREFIXES =
      ImmutableSet.of(
          "update", "set", "save", "put", "change", "adjust", "store", "write", "persist", "modify",
          "upsert", "replace");

  static boolean isWriteName(String name) {
    return hasPrefixWord(name, WRITE_PREFIXES);
  }

  /** What a write call names as written: {@code Level} for {@code updateLevel}, "" for {@code save}. */
  static String writtenStem(String name) {
    for (String prefix : WRITE_PREFIXES) {
      if (name.startsWith(prefix)
          && (name.length() == prefix.length()
              || Character.isUpperCase(name.charAt(prefix.length())))) {
        return name.substring(prefix.length());
      }
    }
    return "";
  }

  /** Calls that move a meter: {@code increment}, {@code record}, {@code inc}, {@code mark}, … */
  static boolean isMetricUpdate(String name) {
    return name.equals("increment")
        || name.equals("record")
        || name.equals("inc")
        || name.equals("mark")
        || name.equals("update")
        || name.equals("observe")
        || name.equals("dec");
  }

  /**
   * Whether a call named {@code name} can be one of the state-API writes (a counter, an atomic
   * update, a map's merge/compute/put, a list's set, an append, a meter): a test of the name
   * alone, made before the receiver's type is looked up. Most calls of a body (getters, logging,
   * builders) fail it.
   */
  static boolean isStateApiName(String name) {
    return COUNTER_METHODS.contains(name)
        || UPDATE_METHODS.contains(name)
        || APPEND_METHODS.contains(name)
        || MAP_REWRITE_METHODS.contains(name)
        || name.equals("set")
        || isMetricUpdate(name);
  }

  /** A map's writes computed from its old value, read by {@code stateApi} with their arity. */
  private static final ImmutableSet<String> MAP_REWRITE_METHODS =
      ImmutableSet.of("merge", "compute", "computeIfPresent");

  /** Whether the type is a metrics API: a meter, a registry, or a builder of one. */
  static boolean isMetric(@Nullable Type type, VisitorState state) {
    return isAnyOf(type, METRICS_TYPES, state);
  }

  /**
   * Whether a call logs or records a metric: a call on a logger, a meter or a meter registry, or a
   * static call of a metrics class ({@code Metrics.gauge(…)}, {@code Gauge.builder(…)}).
   */
  static boolean isLogOrMetricCall(MethodInvocationTree call, VisitorState state) {
    MethodSymbol callee = ASTHelpers.getSymbol(call);
    if (ASTHelpers.isStatic(callee)) {
      return isAnyOf(callee.owner.type, METRICS_TYPES, state)
          || callee.owner.getQualifiedName().toString().startsWith("io.micrometer.");
    }
    Type receiver = ASTHelpers.getReceiverType(call);
    return isAnyOf(receiver, LOGGER_TYPES, state) || isAnyOf(receiver, METRICS_TYPES, state);
  }

  /** {@code name} starts with one of the words: {@code findBy} and {@code find}, not {@code finder}. */
  private static boolean hasPrefixWord(String name, ImmutableSet<String> prefixes) {
    for (String prefix : prefixes) {
      if (name.startsWith(prefix)
          && (name.length() == prefix.length()
              || Character.isUpperCase(name.charAt(prefix.length())))) {
        return true;
      }
    }
    return false;
  }

  static boolean isCounter(@Nullable Type type, VisitorState state) {
    return isAnyOf(type, COUNTER_TYPES, state);
  }

  static boolean isUpdatable(@Nullable Type type, VisitorState state) {
    return isAnyOf(type, UPDATABLE_TYPES, state);
  }

  static boolean isCounterMethod(String name) {
    return COUNTER_METHODS.contains(name);
  }

  static boolean isMap(@Nullable Type type, VisitorState state) {
    return isAnyOf(type, MAP_TYPES, state);
  }

  static boolean isList(@Nullable Type type, VisitorState state) {
    return isAnyOf(type, LIST_TYPES, state);
  }

  static boolean isSet(@Nullable Type type, VisitorState state) {
    return isAnyOf(type, SET_TYPES, state);
  }

  /**
   * Lists, queues and deques, and Guava's counting collections: containers where adding the same
   * element twice leaves two.
   */
  static boolean isAppendable(@Nullable Type type, VisitorState state) {
    if (isSet(type, state)) {
      return false;
    }
    return isAnyOf(type, APPENDABLE_TYPES, state);
  }

  static boolean isAppendMethod(String name) {
    return APPEND_METHODS.contains(name);
  }

  static boolean isAccumulating(String name) {
    if (ACCUMULATING_NAMES.contains(name)) {
      return true;
    }
    for (String prefix : ACCUMULATING_PREFIXES) {
      if (name.startsWith(prefix)
          && name.length() > prefix.length()
          && Character.isUpperCase(name.charAt(prefix.length()))) {
        return true;
      }
    }
    return false;
  }

  static boolean isMonotone(String name) {
    return MONOTONE_NAMES.contains(name);
  }

  /**
   * The property a no-argument method reads: {@code balance} for {@code getBalance()} or {@code
   * isPaid()} → {@code paid}, the component for a record-style accessor {@code amount()}; null for
   * anything else.
   */
  static @Nullable String getterProperty(MethodSymbol method) {
    if (!method.getParameters().isEmpty()
        || method.getReturnType().getTag() == TypeTag.VOID
        || ASTHelpers.isStatic(method)) {
      return null;
    }
    String name = method.getSimpleName().toString();
    if (NOT_PROPERTIES.contains(name)) {
      return null;
    }
    if (name.startsWith("get") && name.length() > 3 && Character.isUpperCase(name.charAt(3))) {
      return decapitalize(name.substring(3));
    }
    if (name.startsWith("is") && name.length() > 2 && Character.isUpperCase(name.charAt(2))) {
      return decapitalize(name.substring(2));
    }
    return name;
  }

  /** The property a one-argument {@code setX(…)} writes, or null. */
  static @Nullable String setterProperty(MethodSymbol method) {
    String name = method.getSimpleName().toString();
    if (method.getParameters().size() != 1
        || ASTHelpers.isStatic(method)
        || !name.startsWith("set")
        || name.length() < 4
        || !Character.isUpperCase(name.charAt(3))) {
      return null;
    }
    return decapitalize(name.substring(3));
  }

  static String decapitalize(String name) {
    if (name.length() > 1 && Character.isUpperCase(name.charAt(1))) {
      return name;
    }
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  /**
   * Whether {@code type}'s erasure is a subtype of one of the types {@code names}. Asked for every
   * call the check reads, mostly about the same few receiver classes, so each compilation answers
   * once per (names, class): the answer depends on the class alone.
   */
  private static boolean isAnyOf(
      @Nullable Type type, ImmutableSet<String> names, VisitorState state) {
    if (type == null || type.tsym == null) {
      return false;
    }
    Answers answers = Answers.of(state);
    Map<TypeSymbol, Boolean> byClass =
        answers.memberships.computeIfAbsent(names, n -> new ConcurrentHashMap<>());
    Boolean known = byClass.get(type.tsym);
    if (known == null) {
      known = false;
      Type erased = state.getTypes().erasure(type);
      for (String name : names) {
        Type target =
            answers.types.computeIfAbsent(name, n -> Optional.ofNullable(state.getTypeFromString(n)))
                .orElse(null);
        if (target != null
            && ASTHelpers.isSubtype(erased, state.getTypes().erasure(target), state)) {
          known = true;
          break;
        }
      }
      byClass.put(type.tsym, known);
    }
    return known;
  }

  /**
   * What one compilation has looked up: types by name, absent ones included (most of the
   * libraries named here are not on a given class path), and which classes belong to which set of
   * names. Kept for the last compilation only, and only as long as javac keeps its context.
   */
  private static final class Answers {
    private static volatile @Nullable Answers last;

    private final WeakReference<Context> context;
    final Map<String, Optional<Type>> types = new ConcurrentHashMap<>();
    final Map<ImmutableSet<String>, Map<TypeSymbol, Boolean>> memberships =
        new ConcurrentHashMap<>();

    private Answers(Context context) {
      this.context = new WeakReference<>(context);
    }

    static Answers of(VisitorState state) {
      Answers answers = last;
      if (answers == null || answers.context.get() != state.context) {
        answers = new Answers(state.context);
        last = answers;
      }
      return answers;
    }
  }
}
