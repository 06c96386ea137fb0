package io.idempo.test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Records calls on a handler's collaborators (a mail client, a payment gateway, an HTTP client) as
 * state, so that a redelivery that calls one again shows as a new row {@code {call=charge,
 * args=[acct-1, 1000]}}.
 *
 * <pre>{@code
 * CallRecorder gateway = new CallRecorder("gateway calls");
 * PaymentGateway recorded = gateway.recording(PaymentGateway.class, realOrFakeGateway);
 * Redelivery.of(new ChargeHandler(recorded)::on).observing(gateway)…
 * }</pre>
 *
 * <p>Record read-only calls too if they matter; leave them out with a hand-written {@link
 * #record} call where they do not. Thread-safe.
 */
public final class CallRecorder implements StateSource {

  private final String name;
  private final List<Row> calls = new ArrayList<>();

  /** A recorder whose calls show as table {@code name}. */
  public CallRecorder(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /** Records a call of {@code call} with {@code args}. */
  public void record(String call, Object... args) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("call", Objects.requireNonNull(call, "call"));
    List<Object> copied = new ArrayList<>();
    for (Object arg : args) {
      copied.add(ObjectState.copy(arg));
    }
    values.put("args", copied);
    Row row = Row.of(values);
    synchronized (this) {
      calls.add(row);
    }
  }

  /**
   * A proxy of interface {@code type} that records every call of its abstract and default methods
   * (not {@code equals}, {@code hashCode}, {@code toString}), then makes it on {@code delegate}.
   */
  public <T> T recording(Class<T> type, T delegate) {
    Objects.requireNonNull(delegate, "delegate");
    return proxy(type, delegate);
  }

  /**
   * A proxy of interface {@code type} that records every call and returns {@code null}, zero or
   * {@code false}: a stub whose only job is to be called.
   */
  public <T> T recording(Class<T> type) {
    return proxy(type, null);
  }

  private <T> T proxy(Class<T> type, T delegate) {
    if (!type.isInterface()) {
      throw new IllegalArgumentException(type.getName() + " is not an interface; record its calls with record(…)");
    }
    Object proxy =
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (self, method, args) -> {
              if (method.getDeclaringClass() == Object.class) {
                return objectMethod(self, method, args);
              }
              record(method.getName(), args == null ? new Object[0] : args);
              if (delegate == null) {
                return defaultValue(method.getReturnType());
              }
              try {
                return method.invoke(delegate, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
    return type.cast(proxy);
  }

  private Object objectMethod(Object self, Method method, Object[] args) {
    return switch (method.getName()) {
      case "equals" -> self == args[0];
      case "hashCode" -> System.identityHashCode(self);
      default -> "recorded " + name;
    };
  }

  private static Object defaultValue(Class<?> type) {
    if (!type.isPrimitive() || type == void.class) {
      return null;
    }
    if (type == boolean.class) {
      return false;
    }
    if (type == char.class) {
      return '\0';
    }
    if (type == long.class) {
      return 0L;
    }
    if (type == double.class) {
      return 0.0d;
    }
    if (type == float.class) {
      return 0.0f;
    }
    if (type == byte.class) {
      return (byte) 0;
    }
    if (type == short.class) {
      return (short) 0;
    }
    return 0;
  }

  /** The calls so far, in order, as {@code name(args)}. */
  public synchronized List<String> calls() {
    List<String> shown = new ArrayList<>();
    for (Row call : calls) {
      shown.add(call.get("call") + "(" + call.get("args") + ")");
    }
    return shown;
  }

  /** Forgets the calls. */
  public synchronized void clear() {
    calls.clear();
  }

  @Override
  public synchronized List<Table> snapshot() {
    return List.of(Table.of(name, calls));
  }

  @Override
  public String toString() {
    return "CallRecorder " + name;
  }
}
