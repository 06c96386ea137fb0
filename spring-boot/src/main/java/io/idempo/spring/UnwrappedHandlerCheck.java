package io.idempo.spring;

import java.util.Optional;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Refuses a handler bean that is not its generated wrapper, such as one a {@code @Bean} method
 * created with {@code new PaymentHandler(...)}: its handler methods would run without
 * deduplication, which is the one thing the application asked not to happen.
 */
final class UnwrappedHandlerCheck implements BeanPostProcessor {

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName)
      throws BeansException {
    Class<?> type = bean.getClass();
    Optional<Class<?>> handler = HandlerTypes.handlerClass(type);
    if (handler.isEmpty() || HandlerTypes.isWrapped(type)) {
      return bean;
    }
    String wrapperName = HandlerTypes.wrapperName(handler.get());
    boolean generated =
        HandlerTypes.wrapper(handler.get(), type.getClassLoader()).isPresent();
    throw new BeanCreationException(
        beanName,
        "bean '"
            + beanName
            + "' is a "
            + type.getName()
            + " with @IdempotentHandler methods, but not its generated wrapper, so its handler"
            + " methods would run without deduplication. "
            + (generated
                ? "Create it as new "
                    + wrapperName.substring(wrapperName.lastIndexOf('.') + 1)
                    + "(store, ...) in the @Bean method, or let component scanning create it"
                    + " (@Service or @Component on the class), which uses the wrapper by itself"
                : "Its wrapper " + wrapperName + " does not exist. " + HandlerTypes.processorSetup()));
  }
}
