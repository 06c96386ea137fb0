package io.idempo.reliability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates random handler sources for the processor fuzz suite: a message type, optionally a base
 * class or an interface, and a handler class mixing the shapes the processor must support (nested,
 * abstract, generic, decorated final classes and records, overloads, checked exceptions, odd but
 * legal identifiers) with, for an invalid case, exactly one mistake the processor must report.
 *
 * <p>Every {@code java.lang} type is written fully qualified, so that a handler class may itself be
 * called {@code String} or {@code Throwable} (legal, and a trap for generated code).
 */
final class HandlerSourceGenerator {

  /** One generated compilation: its sources, and whether the processor must accept it. */
  record Case(int number, String defect, Map<String, String> sources, String wrapperName) {
    boolean valid() {
      return defect.equals("none");
    }

    @Override
    public String toString() {
      return "case " + number + " (" + defect + ")";
    }
  }

  enum Shape {
    TOP,
    PACKAGE_PRIVATE,
    NESTED,
    ABSTRACT,
    GENERIC,
    SUBCLASS_OF_BASE,
    FINAL_DECORATOR,
    RECORD_DECORATOR
  }

  enum Defect {
    PRIVATE_METHOD,
    STATIC_METHOD,
    FINAL_METHOD,
    ABSTRACT_METHOD,
    IN_INTERFACE,
    IN_ENUM,
    PRIVATE_NESTED,
    INNER_CLASS,
    FINAL_WITHOUT_INTERFACE,
    RECORD_WITHOUT_INTERFACE,
    DECORATOR_UNDECLARED,
    KEY_TYPO,
    KEY_MALFORMED,
    KEY_WRONG_ROOT,
    KEY_THROUGH_PRIMITIVE,
    KEY_UNSTABLE,
    KEY_THROUGH_VOID,
    NO_KEY,
    DOUBLE_KEY,
    TWO_KEY_PARAMETERS,
    NO_CODEC,
    BAD_TTL,
    BAD_LEASE,
    SAME_NAME,
    PRIVATE_CONSTRUCTOR,
    CODEC_ON_VOID,
    CODEC_NOT_A_CODEC,
    KEY_ON_NON_HANDLER,
    RESULT_OF_TYPE_VARIABLE,
    WRONG_TARGET
  }

  private static final String[] PARAMETER_NAMES = {
    "event", "$", "_x", "ñame", "événement", "store", "key", "claim", "result", "failure", "store2",
    "$e", "e$1", "HANDLER", "key2", "Objects"
  };
  private static final String[] CLASS_NAMES = {
    "H", "$H", "H_", "Ñandler", "Handler$1", "Claim", "Objects", "Duration", "IdempotencyStore",
    "String", "Throwable", "Override", "Generated", "HandlerDescriptor", "List"
  };
  private static final String[] METHOD_NAMES = {
    "handle", "$handle", "on_event", "récupérer", "store", "key", "claim", "result", "failure",
    "apply", "handle$"
  };
  private static final String[] EVENT_NAMES = {"Ev", "$Ev", "Évènement", "Message", "Claim2"};
  private static final String[] VALID_KEYS = {"id", "seq", "inner.code", "kind", "uuid"};
  private static final String[][] RESULTS = {
    {"void", ""},
    {"java.lang.String", "return \"r\";"},
    {"long", "return 1L;"},
    {"java.util.UUID", "return null;"},
    {"java.lang.Integer", "return 7;"},
    {"EVENT.Kind", "return EVENT.Kind.A;"},
    {"java.time.Instant", "return java.time.Instant.EPOCH;"},
    {"byte[]", "return new byte[0];"},
  };
  private static final String[] THROWS = {"", " throws java.io.IOException", " throws HANDLER.Oops"};

  private final Random random;

  HandlerSourceGenerator(long seed) {
    this.random = new Random(seed);
  }

  /** The next case: about half are valid. */
  Case next(int number) {
    Defect defect = random.nextBoolean() ? null : pick(Defect.values());
    return generate(number, defect);
  }

  private Case generate(int number, Defect defect) {
    String pkg = "fuzz.c" + number;
    Shape shape = shapeFor(defect);
    String handler = pick(CLASS_NAMES);
    String event = pick(EVENT_NAMES);
    boolean recordEvent = random.nextBoolean();
    boolean fieldsNotGetters = !recordEvent && random.nextBoolean();
    Map<String, String> sources = new LinkedHashMap<>();
    sources.put(pkg + "." + event, eventSource(pkg, event, recordEvent, fieldsNotGetters));

    int methodCount = 1 + random.nextInt(3);
    boolean overloaded = methodCount > 1 && random.nextBoolean();
    String baseName = pick(METHOD_NAMES);
    List<Method> methods = new ArrayList<>();
    for (int i = 0; i < methodCount; i++) {
      Method m = new Method();
      m.name = overloaded ? baseName : pick(METHOD_NAMES) + i;
      m.handlerName = overloaded || random.nextBoolean() ? "h-" + number + "-" + i : "";
      m.param = pick(PARAMETER_NAMES);
      m.extraParams = overloaded ? new String[] {"", ", int extra", ", long extra"}[i] : "";
      if (i > 0 && !overloaded && random.nextInt(4) == 0) {
        m.extraParams = ", java.lang.String... tags";
      }
      m.keyPath = m.param + "." + pick(VALID_KEYS);
      m.keyOnParameter = random.nextInt(5) == 0;
      String[] result = pick(RESULTS);
      m.returnType = result[0].replace("EVENT", event);
      m.returnStatement = result[1].replace("EVENT", event);
      m.throwsClause = THROWS[random.nextInt(THROWS.length)].replace("HANDLER", handler);
      m.visibility = shape == Shape.FINAL_DECORATOR || shape == Shape.RECORD_DECORATOR
          ? "public "
          : pick(new String[] {"public ", "protected ", ""});
      m.lease = random.nextInt(3) == 0;
      m.ttl = pick(new String[] {"", "P7D", "PT1H", "PT0.5S", "P30DT12H"});
      m.typeParameter = shape != Shape.FINAL_DECORATOR && shape != Shape.RECORD_DECORATOR
          && m.extraParams.isEmpty() && random.nextInt(6) == 0;
      methods.add(m);
    }
    Method first = methods.get(0);
    String eventInStore = event;

    // Exactly one mistake for an invalid case.
    String extraMember = "";
    String interfaceExtra = "";
    boolean interfaceDeclaresAll = true;
    if (defect != null) {
      if (defect.name().startsWith("KEY_") && defect != Defect.KEY_ON_NON_HANDLER) {
        first.keyOnParameter = false;
      }
      switch (defect) {
        case PRIVATE_METHOD -> first.visibility = "private ";
        case STATIC_METHOD -> first.modifiers = "static ";
        case FINAL_METHOD -> first.modifiers = "final ";
        case ABSTRACT_METHOD -> first.abstractMethod = true;
        case DECORATOR_UNDECLARED -> interfaceDeclaresAll = false;
        case KEY_TYPO -> first.keyPath = first.param + "." + pick(new String[] {"idd", "uid", "inner.cdoe", "knid", "iD"});
        case KEY_MALFORMED ->
            first.keyPath =
                pick(
                    new String[] {
                      first.param + "..id", first.param + ".1id", "." + first.param + ".id",
                      first.param + ".id.", first.param + ".i d", first.param + ".class",
                      first.param + ".-id"
                    });
        case KEY_WRONG_ROOT -> first.keyPath = "evnt.id";
        case KEY_THROUGH_PRIMITIVE -> first.keyPath = first.param + ".seq.value";
        case KEY_UNSTABLE -> first.keyPath = first.param + "." + pick(new String[] {"inner", "tags", "payload"});
        case KEY_THROUGH_VOID -> first.keyPath = first.param + ".touch";
        case NO_KEY -> {
          first.keyPath = "";
          first.keyOnParameter = false;
        }
        case DOUBLE_KEY -> first.doubleKey = true;
        case TWO_KEY_PARAMETERS -> first.twoKeyParameters = true;
        case NO_CODEC -> {
          first.returnType = handler + ".Receipt";
          first.returnStatement = "return null;";
          extraMember = "  public static final class Receipt {}\n";
        }
        case BAD_TTL -> first.ttl = pick(new String[] {"7 days", "PT0S", "-PT1H", "P", "PT-5S", "1D"});
        case BAD_LEASE -> {
          first.lease = true;
          first.badLease = pick(new String[] {"5 minutes", "PT0S", "-PT1M", "T", "P1M"});
        }
        case SAME_NAME -> {
          Method copy = new Method();
          copy.name = first.name + "Again";
          copy.param = first.param;
          copy.keyPath = first.keyPath;
          copy.keyOnParameter = first.keyOnParameter;
          copy.returnType = "void";
          copy.returnStatement = "";
          copy.visibility = "public ";
          first.handlerName = "same-" + number;
          copy.handlerName = "same-" + number;
          methods.add(copy);
        }
        case CODEC_ON_VOID -> {
          first.returnType = "void";
          first.returnStatement = "";
          first.codec = "java.lang.String.class";
        }
        case CODEC_NOT_A_CODEC -> {
          first.returnType = handler + ".Receipt";
          first.returnStatement = "return null;";
          first.codec = "java.lang.String.class";
          extraMember = "  public static final class Receipt {}\n";
        }
        case KEY_ON_NON_HANDLER ->
            extraMember =
                "  public void notAHandler(@io.idempo.IdempotencyKey java.lang.String id) {}\n";
        case RESULT_OF_TYPE_VARIABLE -> {
          first.typeParameter = true;
          first.returnType = "X";
          first.returnStatement = "return null;";
        }
        case WRONG_TARGET ->
            extraMember =
                pick(
                    new String[] {
                      "  @io.idempo.IdempotentHandler(key = \"x\") java.lang.String field;\n",
                      "  @io.idempo.IdempotentHandler(key = \"x\") class Target {}\n",
                    });
        default -> {}
      }
    }
    if (shape == Shape.ABSTRACT && !first.abstractMethod) {
      extraMember += "  public abstract void notAHandler2();\n";
    }
    if (first.typeParameter && defect != Defect.RESULT_OF_TYPE_VARIABLE) {
      first.extraParams += ", X extra";
    }
    for (Method m : methods) {
      if (m.typeParameter && m != first) {
        m.extraParams += ", X extra";
      }
    }
    String wrapper = render(pkg, handler, eventInStore, shape, defect, methods, extraMember,
        interfaceDeclaresAll, interfaceExtra, sources);
    return new Case(number, defect == null ? "none" : defect.name(), sources, wrapper);
  }

  private Shape shapeFor(Defect defect) {
    if (defect == null) {
      return pick(Shape.values());
    }
    return switch (defect) {
      case ABSTRACT_METHOD -> Shape.ABSTRACT;
      case FINAL_WITHOUT_INTERFACE, DECORATOR_UNDECLARED -> Shape.FINAL_DECORATOR;
      case RECORD_WITHOUT_INTERFACE -> Shape.RECORD_DECORATOR;
      case FINAL_METHOD, PRIVATE_CONSTRUCTOR, PRIVATE_NESTED, INNER_CLASS, IN_ENUM, IN_INTERFACE ->
          pick(new Shape[] {Shape.TOP, Shape.NESTED, Shape.SUBCLASS_OF_BASE});
      default -> pick(new Shape[] {Shape.TOP, Shape.NESTED, Shape.GENERIC, Shape.ABSTRACT, Shape.PACKAGE_PRIVATE});
    };
  }

  private static final class Method {
    String name;
    String handlerName = "";
    String param;
    String extraParams = "";
    String keyPath;
    boolean keyOnParameter;
    boolean doubleKey;
    boolean twoKeyParameters;
    String returnType;
    String returnStatement;
    String throwsClause = "";
    String visibility = "public ";
    String modifiers = "";
    boolean abstractMethod;
    boolean lease;
    String badLease;
    String ttl = "";
    String codec;
    boolean typeParameter;
  }

  private String render(
      String pkg,
      String handler,
      String event,
      Shape shape,
      Defect defect,
      List<Method> methods,
      String extraMember,
      boolean interfaceDeclaresAll,
      String interfaceExtra,
      Map<String, String> sources) {
    boolean decorator = shape == Shape.FINAL_DECORATOR || shape == Shape.RECORD_DECORATOR;
    boolean withInterface =
        decorator && defect != Defect.FINAL_WITHOUT_INTERFACE && defect != Defect.RECORD_WITHOUT_INTERFACE;
    StringBuilder body = new StringBuilder();
    if (!decorator) {
      body.append("  protected final java.util.List<java.lang.String> log = new java.util.ArrayList<>();\n");
    }
    body.append("  public static final class Oops extends java.lang.Exception {\n")
        .append("    private static final long serialVersionUID = 1L;\n  }\n");
    body.append(extraMember);
    String ctorName = handler;
    if (!decorator && shape != Shape.ABSTRACT) {
      int constructors =
          defect == Defect.PRIVATE_CONSTRUCTOR ? 3 : defect == Defect.IN_ENUM ? 0 : random.nextInt(3);
      switch (constructors) {
        case 0 -> {}
        case 1 ->
            body.append("  public ")
                .append(ctorName)
                .append("(java.lang.String store, int key) {\n    log.add(store + key);\n  }\n");
        case 2 ->
            body.append("  public ")
                .append(ctorName)
                .append("() {}\n  protected ")
                .append(ctorName)
                .append(
                    """
                    (java.util.List<? extends java.lang.Number> claim) throws java.io.IOException {
                        if (claim.isEmpty()) {
                          throw new java.io.IOException("empty");
                        }
                      }
                    """);
        default -> body.append("  private ").append(ctorName).append("() {}\n");
      }
    }
    StringBuilder api = new StringBuilder();
    for (int i = 0; i < methods.size(); i++) {
      Method m = methods.get(i);
      String annotation = annotation(m);
      String typeParams = m.typeParameter ? "<X> " : "";
      boolean keyParam = m.keyOnParameter || m.doubleKey || m.twoKeyParameters;
      String marker = "@io.idempo.IdempotencyKey ";
      String params;
      if (keyParam) {
        params =
            event + " " + m.param + ", " + marker + "java.lang.String messageId"
                + (m.twoKeyParameters ? ", " + marker + "java.lang.String otherId" : "")
                + m.extraParams;
      } else {
        params = event + " " + m.param + m.extraParams;
      }
      String signature = typeParams + m.returnType + " " + m.name + "(" + params + ")" + m.throwsClause;
      if (decorator && (interfaceDeclaresAll || i > 0)) {
        api.append("  ").append(signature.replace(marker, "")).append(";\n");
      }
      body.append("  ").append(annotation).append("\n");
      if (decorator && withInterface && (interfaceDeclaresAll || i > 0)) {
        body.append("  @java.lang.Override\n");
      }
      body.append("  ").append(m.visibility).append(m.modifiers);
      if (m.abstractMethod) {
        body.append("abstract ").append(signature).append(";\n");
        continue;
      }
      body.append(signature).append(" {\n");
      if (!decorator && !m.modifiers.contains("static")) {
        body.append("    log.add(\"").append(m.name).append("\");\n");
      }
      if (!m.returnStatement.isEmpty()) {
        body.append("    ").append(m.returnStatement).append("\n");
      }
      body.append("  }\n");
    }
    String classDecl;
    String typeParams = shape == Shape.GENERIC ? "<T extends java.lang.Comparable<T>>" : "";
    String nestedModifier =
        defect == Defect.PRIVATE_NESTED ? "private static " : defect == Defect.INNER_CLASS ? "public " : "public static ";
    String iface = "Api" + handler.replace("$", "D");
    switch (shape) {
      case FINAL_DECORATOR ->
          classDecl = "public final class " + handler + (withInterface ? " implements " + iface : "");
      case RECORD_DECORATOR ->
          classDecl =
              "public record "
                  + handler
                  + "(java.util.List<java.lang.String> log)"
                  + (withInterface ? " implements " + iface : "");
      case ABSTRACT -> classDecl = "public abstract class " + handler;
      case PACKAGE_PRIVATE -> classDecl = "class " + handler;
      case GENERIC -> classDecl = "public class " + handler + typeParams;
      case SUBCLASS_OF_BASE -> {
        classDecl = "public class " + handler + " extends Base" + handler.replace("$", "D");
        sources.put(
            pkg + ".Base" + handler.replace("$", "D"),
            "package " + pkg + ";\n\npublic class Base" + handler.replace("$", "D")
                + " {\n  protected java.lang.Object store;\n  protected java.lang.String key;\n"
                + "  protected java.lang.String claim;\n}\n");
      }
      default -> classDecl = "public class " + handler;
    }
    if (defect == Defect.IN_ENUM) {
      classDecl = "public enum " + handler;
      body.insert(0, "  A;\n");
      // enums cannot have protected/public constructors; keep the body free of constructors
    }
    if (withInterface) {
      sources.put(
          pkg + "." + iface,
          "package " + pkg + ";\n\npublic interface " + iface + " {\n" + api + interfaceExtra + "}\n");
    }
    String wrapperName;
    if (defect == Defect.IN_INTERFACE) {
      String text =
          "package " + pkg + ";\n\npublic interface " + handler + " {\n"
              + "  " + annotation(methods.get(0)) + "\n"
              + "  default void " + methods.get(0).name + "(" + event + " " + methods.get(0).param + ") {}\n}\n";
      sources.put(pkg + "." + handler, text);
      return pkg + ".Idempotent" + handler;
    }
    if (shape == Shape.NESTED || defect == Defect.PRIVATE_NESTED || defect == Defect.INNER_CLASS) {
      String outer = "Outer" + random.nextInt(100);
      String text =
          "package " + pkg + ";\n\npublic class " + outer + " {\n  " + nestedModifier
              + classDecl.replace("public ", "") + " {\n"
              + body.toString().replace("\n", "\n  ").stripTrailing()
              + "\n  }\n}\n";
      sources.put(pkg + "." + outer, text);
      wrapperName = pkg + ".Idempotent" + outer + "_" + handler;
    } else {
      String text = "package " + pkg + ";\n\n" + classDecl + " {\n" + body + "}\n";
      sources.put(pkg + "." + handler, text);
      wrapperName = pkg + ".Idempotent" + handler;
    }
    return wrapperName;
  }

  private String annotation(Method m) {
    StringBuilder a = new StringBuilder("@io.idempo.IdempotentHandler(");
    List<String> attributes = new ArrayList<>();
    boolean keyParam = m.keyOnParameter || m.doubleKey || m.twoKeyParameters;
    if (!keyParam || m.doubleKey) {
      if (!m.keyPath.isEmpty()) {
        attributes.add("key = \"" + m.keyPath + "\"");
      }
    }
    if (!m.handlerName.isEmpty()) {
      attributes.add("name = \"" + m.handlerName + "\"");
    }
    if (!m.ttl.isEmpty()) {
      attributes.add("ttl = \"" + m.ttl + "\"");
    }
    if (m.lease) {
      attributes.add("mode = io.idempo.IdempotentHandler.Mode.LEASE");
      attributes.add("lease = \"" + (m.badLease != null ? m.badLease : "PT2M") + "\"");
    }
    if (m.codec != null) {
      attributes.add("codec = " + m.codec);
    }
    a.append(String.join(", ", attributes)).append(")");
    return a.toString();
  }

  private String eventSource(String pkg, String name, boolean record, boolean fields) {
    String components =
        "java.lang.String id, long seq, " + name + ".Inner inner, " + name + ".Kind kind, java.util.UUID uuid,"
            + " java.util.List<java.lang.String> tags, java.lang.Object payload";
    String nested =
        """
          public enum Kind {
            A,
            B
          }

          public void touch() {}
        """;
    if (record) {
      return "package " + pkg + ";\n\npublic record " + name + "(" + components + ") {\n"
          + "  public record Inner(java.lang.String code) {}\n\n" + nested + "}\n";
    }
    StringBuilder s = new StringBuilder("package " + pkg + ";\n\npublic class " + name + " {\n");
    String[][] props = {
      {"java.lang.String", "id"}, {"long", "seq"}, {name + ".Inner", "inner"}, {name + ".Kind", "kind"},
      {"java.util.UUID", "uuid"}, {"java.util.List<java.lang.String>", "tags"}, {"java.lang.Object", "payload"}
    };
    for (String[] p : props) {
      s.append("  ").append(fields ? "public" : "private").append(" final ").append(p[0]).append(' ').append(p[1]).append(";\n");
    }
    s.append("\n  public ").append(name).append("(").append(components).append(") {\n");
    for (String[] p : props) {
      s.append("    this.").append(p[1]).append(" = ").append(p[1]).append(";\n");
    }
    s.append("  }\n");
    if (!fields) {
      for (String[] p : props) {
        s.append("\n  public ").append(p[0]).append(" get").append(Character.toUpperCase(p[1].charAt(0)))
            .append(p[1].substring(1)).append("() {\n    return ").append(p[1]).append(";\n  }\n");
      }
    }
    s.append("\n  public static final class Inner {\n");
    if (fields) {
      s.append("    public final java.lang.String code;\n\n");
    } else {
      s.append("    private final java.lang.String code;\n\n");
    }
    s.append("    public Inner(java.lang.String code) {\n      this.code = code;\n    }\n");
    if (!fields) {
      s.append("\n    public java.lang.String getCode() {\n      return code;\n    }\n");
    }
    s.append("  }\n\n").append(nested).append("}\n");
    return s.toString();
  }

  private <T> T pick(T[] options) {
    return options[random.nextInt(options.length)];
  }
}
