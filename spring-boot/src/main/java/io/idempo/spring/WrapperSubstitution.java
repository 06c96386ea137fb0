package io.idempo.spring;

import java.util.Optional;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanDefinitionStoreException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.util.ClassUtils;

/**
 * Makes each handler bean an instance of its generated wrapper: a bean definition whose class has
 * {@code @IdempotentHandler} methods ({@code @Service}, {@code @Component}, {@code @Import}, any
 * definition by class) gets the wrapper {@code Idempotent<Name>} as its class, so the one bean is
 * the wrapper. Spring then builds it through the wrapper's constructor, which takes the {@code
 * IdempotencyStore} first and the handler's own dependencies after it, and finds the handler's
 * {@code @Transactional}, {@code @KafkaListener} and other method annotations on the methods the
 * wrapper overrides.
 *
 * <p>A handler whose wrapper is missing (the processor did not run) fails the startup with the fix.
 * Beans created by {@code @Bean} methods are not changed here: {@link UnwrappedHandlerCheck} rejects
 * them unless the method returns the wrapper.
 */
final class WrapperSubstitution implements BeanFactoryPostProcessor, PriorityOrdered {

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory)
      throws BeansException {
    ClassLoader classLoader = beanFactory.getBeanClassLoader();
    for (String name : beanFactory.getBeanDefinitionNames()) {
      BeanDefinition definition = beanFactory.getBeanDefinition(name);
      if (definition instanceof AbstractBeanDefinition byClass
          && definition.getFactoryMethodName() == null
          && definition.getBeanClassName() != null) {
        substitute(name, byClass, classLoader);
      }
    }
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }

  private static void substitute(
      String name, AbstractBeanDefinition definition, ClassLoader classLoader) {
    Class<?> type;
    try {
      type = ClassUtils.forName(definition.getBeanClassName(), classLoader);
    } catch (ClassNotFoundException | LinkageError e) {
      return; // not ours to judge: Spring reports it when it creates the bean
    }
    Optional<Class<?>> handler = HandlerTypes.handlerClass(type);
    if (handler.isEmpty() || HandlerTypes.isWrapped(type)) {
      return;
    }
    if (handler.get() != type) {
      throw new BeanDefinitionStoreException(
          definition.getResourceDescription(),
          name,
          "bean '"
              + name
              + "' is a "
              + type.getName()
              + ", which inherits @IdempotentHandler methods from "
              + handler.get().getName()
              + " but declares none, so no wrapper was generated for it and its handler methods"
              + " would run without deduplication. Override one of them in "
              + type.getSimpleName()
              + " with @IdempotentHandler, or make "
              + handler.get().getSimpleName()
              + " itself the bean");
    }
    Class<?> wrapper =
        HandlerTypes.wrapper(type, classLoader)
            .orElseThrow(
                () ->
                    new BeanDefinitionStoreException(
                        definition.getResourceDescription(),
                        name,
                        "bean '"
                            + name
                            + "' has @IdempotentHandler methods, but its generated wrapper "
                            + HandlerTypes.wrapperName(type)
                            + " is not on the class path, so its handler methods would run"
                            + " without deduplication. "
                            + HandlerTypes.processorSetup()));
    if (!type.isAssignableFrom(wrapper)) {
      throw new BeanDefinitionStoreException(
          definition.getResourceDescription(),
          name,
          "bean '"
              + name
              + "' is a "
              + type.getName()
              + ", which is final or a record, so its wrapper "
              + wrapper.getName()
              + " is a decorator that Spring cannot create in its place. Make the class non-final,"
              + " or declare the bean with a @Bean method returning new "
              + wrapper.getSimpleName()
              + "(store, handler)");
    }
    definition.setBeanClass(wrapper);
    UseIdempotencyStore store = type.getAnnotation(UseIdempotencyStore.class);
    if (store != null) {
      definition
          .getConstructorArgumentValues()
          .addIndexedArgumentValue(0, new RuntimeBeanReference(store.value()));
    }
  }
}
