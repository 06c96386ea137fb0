package io.idempo.spring;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.idempo.runtime.IdempotencyStoreException;
import io.idempo.spring.app.CaptureWithFeeHandler;
import io.idempo.spring.app.Faults;
import io.idempo.spring.app.Faults.Fault;
import io.idempo.spring.app.JdbcLedgerHandler;
import io.idempo.spring.app.JpaLedgerHandler;
import io.idempo.spring.app.LedgerException;
import io.idempo.spring.app.PaymentCaptured;
import io.idempo.spring.app.PaymentsApplication;
import io.idempo.spring.app.TransactionalLedgerHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The starter's promise in a Spring Boot application, on one database: handler beans are their
 * wrappers, and a claim commits or rolls back with the Spring transaction its handler's work runs
 * in (JdbcTemplate with and without {@code @Transactional}, Spring Data JPA). Subclasses choose the
 * database; the pool has 2 connections, so a delivery that needs two would time out.
 */
@SpringBootTest(
    classes = PaymentsApplication.class,
    properties = {
      "spring.datasource.hikari.maximum-pool-size=2",
      "spring.datasource.hikari.connection-timeout=3000"
    })
abstract class SpringTransactionsContract {

  /** The three ways the application writes its ledger. */
  enum Writer {
    JDBC_TEMPLATE,
    TRANSACTIONAL,
    JPA
  }

  @Autowired ApplicationContext context;
  @Autowired JdbcLedgerHandler jdbcHandler;
  @Autowired TransactionalLedgerHandler transactionalHandler;
  @Autowired JpaLedgerHandler jpaHandler;
  @Autowired Faults faults;
  @Autowired JdbcTemplate jdbc;
  @Autowired PlatformTransactionManager transactionManager;
  @Autowired CaptureWithFeeHandler captureWithFee;

  @BeforeEach
  void emptyTables() {
    faults.failNext(Fault.NONE);
    jdbc.update("DELETE FROM ledger");
    jdbc.update("DELETE FROM idempo_claims");
    jdbc.update("DELETE FROM settlement");
  }

  @ParameterizedTest
  @EnumSource(Writer.class)
  void aDuplicateDeliveryAppliesOnce(Writer writer) throws Exception {
    deliver(writer, event("p-1"));
    deliver(writer, event("p-1"));
    deliver(writer, event("p-2"));

    assertThat(rows("p-1")).isEqualTo(1);
    assertThat(rows("p-2")).isEqualTo(1);
    assertThat(claims()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Writer.class)
  void aRuntimeExceptionLeavesNothingAndTheRetryAppliesOnce(Writer writer) throws Exception {
    faults.failNext(Fault.RUNTIME);
    IllegalStateException thrown =
        assertThrows(IllegalStateException.class, () -> deliver(writer, event("p-1")));
    assertThat(thrown).hasMessageThat().isEqualTo("injected failure for p-1");
    assertThat(rows("p-1")).isEqualTo(0);
    assertThat(claims()).isEqualTo(0);

    deliver(writer, event("p-1"));
    deliver(writer, event("p-1"));
    assertThat(rows("p-1")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Writer.class)
  void aCheckedExceptionLeavesNothingAndReachesTheCallerUnchanged(Writer writer)
      throws Exception {
    faults.failNext(Fault.CHECKED);
    // Spring's default rules would commit on a checked exception; an idempotent handler must not.
    LedgerException thrown =
        assertThrows(LedgerException.class, () -> deliver(writer, event("p-1")));
    assertThat(thrown).hasMessageThat().isEqualTo("injected checked failure for p-1");
    assertThat(rows("p-1")).isEqualTo(0);
    assertThat(claims()).isEqualTo(0);

    deliver(writer, event("p-1"));
    deliver(writer, event("p-1"));
    assertThat(rows("p-1")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Writer.class)
  void aFailedCommitLeavesNothingAndTheKeyFree(Writer writer) throws Exception {
    faults.failNext(Fault.COMMIT);
    RuntimeException thrown = assertThrows(RuntimeException.class, () -> deliver(writer, event("p-1")));
    if (writer == Writer.TRANSACTIONAL) {
      // @Transactional commits after the wrapper returned: its failure reaches the caller as is.
      assertThat(thrown).hasMessageThat().isEqualTo("injected commit failure for p-1");
    } else {
      // The wrapper began the transaction: its commit is the claim's completion.
      assertThat(thrown).isInstanceOf(IdempotencyStoreException.class);
      assertThat(thrown).hasMessageThat().contains("cannot commit the transaction of handler");
      assertThat(thrown).hasCauseThat().hasMessageThat().contains("injected commit failure for p-1");
    }
    assertThat(rows("p-1")).isEqualTo(0);
    assertThat(claims()).isEqualTo(0);

    deliver(writer, event("p-1"));
    deliver(writer, event("p-1"));
    assertThat(rows("p-1")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Writer.class)
  void fourThreadsShareAPoolOfTwoConnections(Writer writer) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        runs.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < 5; i++) {
                    PaymentCaptured event = event("t" + thread + "-" + i);
                    deliver(writer, event);
                    deliver(writer, event);
                  }
                  return null;
                }));
      }
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS); // rethrows a delivery's failure, a pool timeout among them
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ledger", Integer.class)).isEqualTo(20);
    assertThat(claims()).isEqualTo(20);
  }

  @Test
  void eachHandlerIsOneBeanAndThatBeanIsItsWrapper() {
    assertThat(context.getBeansOfType(JdbcLedgerHandler.class)).hasSize(1);
    assertThat(context.getBeansOfType(TransactionalLedgerHandler.class)).hasSize(1);
    assertThat(context.getBeansOfType(JpaLedgerHandler.class)).hasSize(1);
    assertThat(AopUtils.getTargetClass(jdbcHandler).getName())
        .isEqualTo("io.idempo.spring.app.IdempotentJdbcLedgerHandler");
    // @Transactional still applies: a proxy around the wrapper.
    assertThat(AopUtils.isAopProxy(transactionalHandler)).isTrue();
    assertThat(AopUtils.getTargetClass(transactionalHandler).getName())
        .isEqualTo("io.idempo.spring.app.IdempotentTransactionalLedgerHandler");
  }

  @Test
  void aClaimInTheCallersTransactionCommitsAndRollsBackWithIt() throws Exception {
    TransactionTemplate transaction = new TransactionTemplate(transactionManager);
    transaction.executeWithoutResult(
        status -> {
          captureQuietly(event("p-1"));
          status.setRollbackOnly();
        });
    assertThat(rows("p-1")).isEqualTo(0);
    assertThat(claims()).isEqualTo(0);

    transaction.executeWithoutResult(status -> captureQuietly(event("p-1")));
    transaction.executeWithoutResult(status -> captureQuietly(event("p-1")));
    assertThat(rows("p-1")).isEqualTo(1);
    assertThat(claims()).isEqualTo(1);
  }

  @Test
  void aCallerThatSwallowsTheHandlersExceptionCannotCommitItsWork() {
    TransactionTemplate transaction = new TransactionTemplate(transactionManager);
    faults.failNext(Fault.RUNTIME);
    assertThrows(
        UnexpectedRollbackException.class,
        () ->
            transaction.executeWithoutResult(
                status -> {
                  try {
                    jdbcHandler.capture(event("p-1"));
                  } catch (RuntimeException | LedgerException swallowed) {
                    // the caller carries on, as a careless caller would
                  }
                }));
    assertThat(rows("p-1")).isEqualTo(0);
    assertThat(claims()).isEqualTo(0);
  }

  @Test
  void aHandlerCallingAnotherCommitsBothClaimsWithItsWork() throws Exception {
    captureWithFee.capture(event("p-1"));
    captureWithFee.capture(event("p-1"));
    assertThat(rows("p-1")).isEqualTo(2); // the capture and its fee, once
    assertThat(claims()).isEqualTo(2);
  }

  @Test
  void aNestedHandlerThatThrowsRollsBackTheWholeDelivery() throws Exception {
    faults.failNext(Fault.RUNTIME);
    assertThrows(IllegalStateException.class, () -> captureWithFee.capture(event("p-1")));
    assertThat(rows("p-1")).isEqualTo(0);
    assertThat(claims()).isEqualTo(0);

    captureWithFee.capture(event("p-1"));
    assertThat(rows("p-1")).isEqualTo(2);
  }

  @Test
  void anOuterHandlerThatSwallowsANestedFailureCannotCompleteHalfADelivery() {
    faults.failNext(Fault.RUNTIME);
    IdempotencyStoreException thrown =
        assertThrows(
            IdempotencyStoreException.class,
            () -> captureWithFee.captureIgnoringFeeFailure(event("p-1")));
    assertThat(thrown).hasMessageThat().contains("rollback-only");
    assertThat(rows("p-1")).isEqualTo(0);
    assertThat(claims()).isEqualTo(0);

    captureWithFee.captureIgnoringFeeFailure(event("p-1"));
    captureWithFee.captureIgnoringFeeFailure(event("p-1"));
    assertThat(rows("p-1")).isEqualTo(2);
  }

  @Test
  void concurrentDeliveriesOfOneKeyApplyItOnce() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(
            threads.submit(
                () -> {
                  jdbcHandler.capture(event("p-1"));
                  return null;
                }));
      }
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(rows("p-1")).isEqualTo(1);
    assertThat(claims()).isEqualTo(1);
  }

  private void captureQuietly(PaymentCaptured event) {
    try {
      jdbcHandler.capture(event);
    } catch (LedgerException e) {
      throw new AssertionError(e);
    }
  }

  void deliver(Writer writer, PaymentCaptured event) throws LedgerException {
    switch (writer) {
      case JDBC_TEMPLATE -> jdbcHandler.capture(event);
      case TRANSACTIONAL -> transactionalHandler.capture(event);
      case JPA -> jpaHandler.capture(event);
    }
  }

  static PaymentCaptured event(String paymentId) {
    return new PaymentCaptured(paymentId, 1250);
  }

  int rows(String paymentId) {
    return jdbc.queryForObject(
        "SELECT COUNT(*) FROM ledger WHERE payment_id = ?", Integer.class, paymentId);
  }

  int claims() {
    return jdbc.queryForObject("SELECT COUNT(*) FROM idempo_claims", Integer.class);
  }
}
