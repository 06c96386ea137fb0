package io.idempo.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Every mistake in {@code @IdempotentHandler(fingerprint = ...)}: the message names the problem
 * and the fix, and points at the path that has it.
 */
class FingerprintErrorTest {

  private static final JavaFileObject CHARGE =
      JavaFileObjects.forSourceString(
          "test.Charge",
          """
          package test;
          import java.math.BigDecimal;
          import java.util.List;
          import java.util.Map;
          import java.util.Set;
          public record Charge(
              String id,
              BigDecimal amount,
              Customer customer,
              List<Line> lines,
              Map<String, String> meta,
              Object extra,
              Set<String> tags,
              List<? extends Line> wild,
              Node node,
              Marker marker,
              java.time.ZoneId zone,
              L1 deep) {
            public record Customer(String email) {
              public void touch() {}
            }
            public record Line(String sku, int quantity) {}
            public record Node(String name, Node next) {}
            public interface Marker {}
            public record L1(L2 next) {}
            public record L2(L3 next) {}
            public record L3(L4 next) {}
            public record L4(L5 next) {}
            public record L5(L6 next) {}
            public record L6(L7 next) {}
            public record L7(L8 next) {}
            public record L8(L9 next) {}
            public record L9(String last) {}
          }
          """);

  private static Compilation compileHandler(String... members) {
    String[] lines = new String[members.length + 7];
    lines[0] = "package test;";
    lines[1] = "import io.idempo.IdempotencyKey;";
    lines[2] = "import io.idempo.IdempotentHandler;";
    lines[3] = "import java.util.List;";
    lines[4] = "@SuppressWarnings(\"rawtypes\")";
    lines[5] = "public class Handler {";
    System.arraycopy(members, 0, lines, 6, members.length);
    lines[lines.length - 1] = "}";
    return Compiler.javac()
        .withProcessors(new IdempotentHandlerProcessor())
        .compile(CHARGE, JavaFileObjects.forSourceLines("test.Handler", lines));
  }

  /** A handler keyed by {@code charge.id} whose fingerprint is {@code paths}, one line. */
  private static Compilation fingerprint(String paths) {
    return compileHandler(
        "  @IdempotentHandler(key = \"charge.id\", fingerprint = " + paths + ")",
        "  public void handle(Charge charge) {}");
  }

  private static void assertError(Compilation c, String message, String line) {
    assertThat(c).hadErrorContaining(message).inFile(c.sourceFiles().get(1)).onLineContaining(line);
  }

  @Test
  void recordsBeansListsAndAnIdempotencyKeyParameterCompile() {
    Compilation c =
        compileHandler(
            "  @IdempotentHandler(fingerprint = {\"charge.amount\", \"charge.customer\","
                + " \"charge.lines\", \"lines\"})",
            "  public void handle(@IdempotencyKey String key, Charge charge,"
                + " Charge.Line[] lines) {}");
    assertThat(c).succeededWithoutWarnings();
  }

  @Test
  void emptyPath() {
    assertError(
        fingerprint("{\"charge.amount\", \"\"}"),
        "handler method `handle` has an empty fingerprint path; write a path into a parameter,"
            + " such as `request` (the whole request) or `request.amount`, or remove it",
        "fingerprint = {\"charge.amount\", \"\"}");
  }

  @Test
  void duplicatePath() {
    assertError(
        fingerprint("{\"charge.amount\", \"charge.amount\"}"),
        "fingerprint path `charge.amount` of handler method `handle` is listed twice; remove one",
        "fingerprint = {\"charge.amount\"");
  }

  @Test
  void pathInsideAnotherPath() {
    Compilation inside = fingerprint("{\"charge\", \"charge.amount\"}");
    Compilation around = fingerprint("{\"charge.customer.email\", \"charge.customer\"}");
    assertError(
        inside,
        "fingerprint path `charge.amount` of handler method `handle` is inside `charge`, which the"
            + " fingerprint already expands whole; keep only `charge`",
        "fingerprint = {\"charge\"");
    assertError(
        around,
        "fingerprint path `charge.customer` of handler method `handle` contains"
            + " `charge.customer.email`, which would be fingerprinted twice; keep only"
            + " `charge.customer`",
        "fingerprint = {\"charge.customer.email\"");
  }

  @Test
  void unknownSegmentSuggestsClosestName() {
    assertError(
        fingerprint("\"charge.amout\""),
        "no property `amout` on `Charge`; did you mean `amount`? (in fingerprint path"
            + " `charge.amout`)",
        "fingerprint = \"charge.amout\"");
  }

  @Test
  void firstSegmentIsNotAParameter() {
    assertError(
        fingerprint("\"chrge.amount\""),
        "fingerprint path `chrge.amount` starts with `chrge`, which is not a parameter of"
            + " `handle`; the first segment of a fingerprint path names a parameter (`charge`);"
            + " did you mean `charge`?",
        "fingerprint = \"chrge.amount\"");
  }

  @Test
  void pathThroughVoidMethod() {
    assertError(
        fingerprint("\"charge.customer.touch\""),
        "fingerprint path `charge.customer.touch`: `touch()` on `Charge.Customer` returns void, so"
            + " it has no value to fingerprint; point the fingerprint path at a property that"
            + " returns a value",
        "fingerprint = \"charge.customer.touch\"");
  }

  @Test
  void bracketsAndPropertiesOfAList() {
    assertError(
        fingerprint("\"charge.lines[0]\""),
        "fingerprint path `charge.lines[0]`: `lines[0]` is not a segment; a fingerprint path has"
            + " no brackets: a list or array at its end is fingerprinted element by element, so"
            + " end the path at the list",
        "fingerprint = \"charge.lines[0]\"");
    assertError(
        fingerprint("\"charge.lines.sku\""),
        "fingerprint path `charge.lines.sku`: `charge.lines` is a `List<Charge.Line>`, which has"
            + " no property `sku`; a list, collection or array is fingerprinted whole, element by"
            + " element, so end the fingerprint path at `charge.lines`",
        "fingerprint = \"charge.lines.sku\"");
  }

  @Test
  void aMapIsNotEncodable() {
    assertError(
        fingerprint("\"charge\""),
        "fingerprint path `charge` reaches `charge.meta` of type `Map<String, String>`, which a"
            + " fingerprint cannot encode: a Map, whose entries have no order a fingerprint could"
            + " rely on; fingerprint the properties that identify the content, or a List of"
            + " entries",
        "fingerprint = \"charge\"");
  }

  @Test
  void objectAndOtherJdkTypesAreNotEncodable() {
    assertError(
        fingerprint("\"charge.extra\""),
        "fingerprint path `charge.extra` reaches `charge.extra` of type `Object`, which a"
            + " fingerprint cannot encode: a fingerprint encodes String (or another CharSequence),"
            + " a primitive or its box, UUID, an enum, BigInteger, BigDecimal or a java.time value"
            + " such as Instant or LocalDate, byte[], a record or a class with getters (expanded"
            + " into its properties), or a List, Collection or array of those",
        "fingerprint = \"charge.extra\"");
    assertError(
        compileHandler(
            "  @IdempotentHandler(key = \"id\", fingerprint = \"task\")",
            "  public void handle(String id, Runnable task) {}"),
        "fingerprint path `task` reaches `task` of type `Runnable`, which a fingerprint cannot"
            + " encode: a fingerprint encodes String",
        "fingerprint = \"task\"");
  }

  @Test
  void aZoneIdIsFingerprintedByItsId() {
    assertError(
        fingerprint("\"charge.zone\""),
        "`charge.zone` of type `ZoneId`, which a fingerprint cannot encode: a ZoneId, whose region"
            + " ids have no java.time ISO form; fingerprint `charge.zone.id` (its String id) instead",
        "fingerprint = \"charge.zone\"");
  }

  @Test
  void rawWildcardAndTypeVariableTypesAreNotEncodable() {
    Compilation raw =
        compileHandler(
            "  @IdempotentHandler(key = \"id\", fingerprint = \"lines\")",
            "  public void handle(String id, List lines) {}");
    Compilation typeVariable =
        compileHandler(
            "  @IdempotentHandler(key = \"charge.id\", fingerprint = \"charge\")",
            "  public <T extends Charge> void handle(T charge) {}");
    assertError(
        raw,
        "fingerprint path `lines` reaches `lines` of type `List`, which a fingerprint cannot"
            + " encode: a raw type; declare its type arguments, such as `List<Item>`",
        "fingerprint = \"lines\"");
    assertError(
        fingerprint("\"charge.wild\""),
        "`charge.wild` of type `List<? extends Charge.Line>`, which a fingerprint cannot encode:"
            + " a wildcard type, whose content is unknown at compile time; declare exact type"
            + " arguments, such as `List<Item>`",
        "fingerprint = \"charge.wild\"");
    assertError(
        typeVariable,
        "fingerprint path `charge` reaches `charge` of type `T`, which a fingerprint cannot"
            + " encode: its type is known only at run time; fingerprint properties of a concrete"
            + " type",
        "fingerprint = \"charge\"");
  }

  @Test
  void aSetHasNoStableOrder() {
    assertError(
        fingerprint("\"charge.tags\""),
        "fingerprint path `charge.tags` reaches `charge.tags` of type `Set<String>`, which a"
            + " fingerprint cannot encode: a Set, whose iteration order need not be the same from"
            + " one delivery to the next, so the same content could give another fingerprint;"
            + " declare it as a `List`",
        "fingerprint = \"charge.tags\"");
    assertError(
        compileHandler(
            "  @IdempotentHandler(key = \"id\", fingerprint = \"pending\")",
            "  public void handle(String id, java.util.Queue<String> pending) {}"),
        "fingerprint path `pending` reaches `pending` of type `Queue<String>`, which a fingerprint"
            + " cannot encode: a Collection that is not a List, whose iteration order need not be"
            + " the same from one delivery to the next, so the same content could give another"
            + " fingerprint; declare it as a `List`",
        "fingerprint = \"pending\"");
  }

  @Test
  void anInterfaceWithoutProperties() {
    assertError(
        fingerprint("\"charge.marker\""),
        "fingerprint path `charge.marker` reaches `charge.marker` of type `Charge.Marker`, which a"
            + " fingerprint cannot encode: a type with no properties to fingerprint (a record"
            + " component, a getter or an accessible field)",
        "fingerprint = \"charge.marker\"");
  }

  @Test
  void aRecursiveTypeIsNotExpanded() {
    assertError(
        fingerprint("\"charge.node\""),
        "fingerprint path `charge.node` reaches `charge.node.next`, another `Charge.Node` inside a"
            + " `Charge.Node`: the type is recursive, so expanding it would never end. Name the"
            + " properties that identify the content as fingerprint paths of their own, such as"
            + " `charge.node.<property>`",
        "fingerprint = \"charge.node\"");
  }

  @Test
  void tooDeep() {
    assertError(
        fingerprint("\"charge.deep\""),
        "fingerprint path `charge.deep` reaches"
            + " `charge.deep.next.next.next.next.next.next.next.next.last`, more than 8 levels of"
            + " records, beans, lists and arrays below the path; a fingerprint expands at most 8",
        "fingerprint = \"charge.deep\"");
    // One level less deep is fine.
    assertThat(fingerprint("\"charge.deep.next\"")).succeededWithoutWarnings();
  }

  @Test
  void notOnBatchHandlers() {
    assertError(
        compileHandler(
            "  @IdempotentHandler(key = \"charges[*].id\", fingerprint = \"charges\")",
            "  public void handle(List<Charge> charges) {}"),
        "fingerprint is not supported on batch handlers: handler method `handle` (key path"
            + " `charges[*].id`) claims one key per message, and the store keeps no fingerprint"
            + " with a batch's keys. Remove the fingerprint, or handle each message in a handler"
            + " method of its own (a single-message key path) that names one",
        "fingerprint = \"charges\"");
  }

  @Test
  void eachPathIsReportedOnItsOwnLine() {
    Compilation c =
        compileHandler(
            "  @IdempotentHandler(",
            "      key = \"charge.id\",",
            "      fingerprint = {",
            "        \"charge.amout\",",
            "        \"charge.meta\"",
            "      })",
            "  public void handle(Charge charge) {}");
    assertError(c, "did you mean `amount`?", "\"charge.amout\"");
    assertError(c, "of type `Map<String, String>`", "\"charge.meta\"");
    assertThat(c).hadErrorCount(2);
  }
}
