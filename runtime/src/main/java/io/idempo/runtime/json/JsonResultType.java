package io.idempo.runtime.json;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Objects;

/**
 * The full type of a handler's result, type arguments included, for a JSON result codec: {@code
 * new JsonResultType<List<Receipt>>() {}}. The anonymous subclass keeps its type argument at run
 * time, where {@code List.class} would lose {@code Receipt}. Generated wrappers write one for each
 * handler method with a generic result type; a plain class is passed as {@code Receipt.class}.
 *
 * @param <T> the result type
 */
public abstract class JsonResultType<T> {
  private final Type type;

  /**
   * Captures the type argument of the anonymous subclass being created.
   *
   * @throws IllegalStateException if the subclass does not extend {@code JsonResultType} directly
   *     with a type argument
   * @throws IllegalArgumentException if the type argument mentions a type variable, whose value
   *     is not known at run time
   */
  protected JsonResultType() {
    if (getClass().getSuperclass() != JsonResultType.class
        || !(getClass().getGenericSuperclass() instanceof ParameterizedType superclass)) {
      throw new IllegalStateException(
          "create a JsonResultType as an anonymous subclass with its type argument, such as"
              + " new JsonResultType<List<Receipt>>() {}");
    }
    Type argument = superclass.getActualTypeArguments()[0];
    if (mentionsTypeVariable(argument)) {
      throw new IllegalArgumentException(
          "the result type "
              + argument.getTypeName()
              + " mentions a type variable, whose value is not known at run time; name a concrete"
              + " type");
    }
    this.type = argument;
  }

  private JsonResultType(Class<T> type) {
    this.type = Objects.requireNonNull(type, "type");
  }

  /** The type of a result class that has no type arguments, such as {@code Receipt.class}. */
  public static <T> JsonResultType<T> of(Class<T> type) {
    return new OfClass<>(type);
  }

  /** The captured type, such as the parameterized type {@code List<Receipt>}. */
  public final Type type() {
    return type;
  }

  @Override
  public final boolean equals(Object other) {
    return other instanceof JsonResultType<?> that && type.equals(that.type);
  }

  @Override
  public final int hashCode() {
    return type.hashCode();
  }

  /** The type's name with its type arguments, such as {@code java.util.List<com.acme.Receipt>}. */
  @Override
  public final String toString() {
    return type.getTypeName();
  }

  private static boolean mentionsTypeVariable(Type type) {
    if (type instanceof TypeVariable<?>) {
      return true;
    }
    if (type instanceof ParameterizedType parameterized) {
      for (Type argument : parameterized.getActualTypeArguments()) {
        if (mentionsTypeVariable(argument)) {
          return true;
        }
      }
      return parameterized.getOwnerType() != null
          && mentionsTypeVariable(parameterized.getOwnerType());
    }
    if (type instanceof GenericArrayType array) {
      return mentionsTypeVariable(array.getGenericComponentType());
    }
    if (type instanceof WildcardType wildcard) {
      for (Type bound : wildcard.getUpperBounds()) {
        if (mentionsTypeVariable(bound)) {
          return true;
        }
      }
      for (Type bound : wildcard.getLowerBounds()) {
        if (mentionsTypeVariable(bound)) {
          return true;
        }
      }
    }
    return false;
  }

  private static final class OfClass<T> extends JsonResultType<T> {
    OfClass(Class<T> type) {
      super(type);
    }
  }
}
