package io.idempo.processor;

import io.idempo.processor.KeyPath.Batch;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Which parameter types can hold a batch of messages: those the wrapper can pass a subset of the
 * batch in, a {@code List}, a {@code Collection} or an array, and the type of their elements.
 */
final class BatchParameters {

  /**
   * What a batch parameter holds: its kind and element type, or why it cannot be a batch.
   *
   * @param batch the kind of batch parameter, null if there is a problem
   * @param type the type of each message, as the wrapper reads it, null if there is a problem
   * @param problem why the parameter cannot be a batch, null if it can
   */
  record Element(Batch batch, TypeMirror type, String problem) {}

  private static final String ALLOWED =
      "a batch parameter is a List, a Collection or an array of messages, since the wrapper"
          + " passes the handler only the messages seen for the first time, in a new List or"
          + " array";

  private final Types types;
  private final TypeElement list;
  private final TypeElement collection;
  private final TypeElement iterable;

  BatchParameters(Elements elements, Types types) {
    this.types = types;
    this.list = elements.getTypeElement("java.util.List");
    this.collection = elements.getTypeElement("java.util.Collection");
    this.iterable = elements.getTypeElement("java.lang.Iterable");
  }

  /** True if a value of {@code type} holds many values: an array or an {@code Iterable}. */
  boolean isBatchLike(TypeMirror type) {
    return type.getKind() == TypeKind.ARRAY
        || (type.getKind() == TypeKind.DECLARED
            && types.isSubtype(types.erasure(type), types.erasure(iterable.asType())));
  }

  /**
   * The elements of the parameter {@code name} of type {@code type}, written {@code name[*]} in the
   * key path {@code text}.
   */
  Element elementOf(String text, String name, TypeMirror type) {
    String shown = TypeChecks.display(type);
    String at = "key path `" + text + "`: `" + name + "` is a `" + shown + "`";
    if (type.getKind() == TypeKind.ARRAY) {
      TypeMirror component = ((ArrayType) type).getComponentType();
      if (component.getKind().isPrimitive()) {
        return problem(
            at
                + ", an array of primitives; "
                + ALLOWED
                + ", so declare it as `"
                + TypeChecks.display(
                    types.boxedClass(types.getPrimitiveType(component.getKind())).asType())
                + "[]` or `List<"
                + TypeChecks.display(
                    types.boxedClass(types.getPrimitiveType(component.getKind())).asType())
                + ">`");
      }
      return new Element(Batch.ARRAY, component, null);
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return problem(at + ", not a batch; " + ALLOWED + ". For a single message, remove `[*]`");
    }
    DeclaredType declared = (DeclaredType) type;
    TypeElement element = (TypeElement) declared.asElement();
    Batch batch;
    if (element.equals(list)) {
      batch = Batch.LIST;
    } else if (element.equals(collection)) {
      batch = Batch.COLLECTION;
    } else if (isBatchLike(type)) {
      return problem(
          at
              + ", which the wrapper cannot create with only the new messages; "
              + ALLOWED
              + ". Declare it as `List<...>`");
    } else {
      return problem(at + ", not a batch; " + ALLOWED + ". For a single message, remove `[*]`");
    }
    if (declared.getTypeArguments().isEmpty()) {
      return problem(
          at
              + ", a raw type, so its messages have no type to read the key from; declare the"
              + " element type, such as `"
              + element.getSimpleName()
              + "<PaymentSettled>`");
    }
    TypeMirror argument = declared.getTypeArguments().get(0);
    if (argument.getKind() == TypeKind.WILDCARD) {
      TypeMirror bound = ((WildcardType) argument).getExtendsBound();
      if (bound == null) {
        return problem(
            at
                + ", whose messages have no known type to read the key from; declare the element"
                + " type, such as `"
                + element.getSimpleName()
                + "<PaymentSettled>` or `"
                + element.getSimpleName()
                + "<? extends PaymentSettled>`");
      }
      argument = bound;
    }
    return new Element(batch, argument, null);
  }

  private static Element problem(String message) {
    return new Element(null, null, message);
  }
}
