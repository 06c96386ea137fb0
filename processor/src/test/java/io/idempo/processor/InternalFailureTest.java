package io.idempo.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Types;
import org.junit.jupiter.api.Test;

/**
 * A bug inside the processor becomes a compile error with the stack trace, on the handler being
 * processed; it never escapes {@code process} (which would abort javac with a crash report).
 */
class InternalFailureTest {

  /** Runs the real processor with a {@link Types} whose {@code asMemberOf} fails. */
  private static final class FailingTypes extends AbstractProcessor {
    private final IdempotentHandlerProcessor delegate = new IdempotentHandlerProcessor();

    @Override
    public synchronized void init(ProcessingEnvironment env) {
      super.init(env);
      Types failing = proxy(Types.class, env.getTypeUtils(), "asMemberOf");
      delegate.init(
          (ProcessingEnvironment)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {ProcessingEnvironment.class},
                  (proxy, method, args) ->
                      method.getName().equals("getTypeUtils")
                          ? failing
                          : invoke(method, env, args)));
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return delegate.getSupportedSourceVersion();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      delegate.process(annotations, round);
      return false;
    }

    private static <T> T proxy(Class<T> type, T target, String failing) {
      InvocationHandler handler =
          (proxy, method, args) -> {
            if (method.getName().equals(failing)) {
              throw new IllegalStateException("simulated bug in " + failing);
            }
            return invoke(method, target, args);
          };
      return type.cast(
          Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args)
        throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  @Test
  void unexpectedExceptionIsReportedWithItsTraceOnTheHandler() {
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new FailingTypes())
            .compile(
                JavaFileObjects.forSourceString(
                    "test.Handler",
                    """
                    package test;
                    import io.idempo.IdempotentHandler;
                    public class Handler {
                      @IdempotentHandler(key = "id")
                      public void handle(String id) {}
                    }
                    """));
    assertThat(compilation)
        .hadErrorContaining(
            "Idempo's annotation processor failed on test.Handler, which is a bug in the"
                + " processor; please report it with this trace:")
        .inFile(compilation.sourceFiles().get(0))
        .onLineContaining("public class Handler");
    assertThat(compilation)
        .hadErrorContaining("java.lang.IllegalStateException: simulated bug in asMemberOf");
    assertThat(compilation).hadErrorContaining("at io.idempo.processor.HandlerValidator");
    assertThat(compilation).hadErrorCount(1);
  }
}
