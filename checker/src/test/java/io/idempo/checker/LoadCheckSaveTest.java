package io.idempo.checker;

import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

/**
 * Tests that look like guards but pass again on a redelivery: a presence test of a loaded entity
 * (load–check–modify–save), a test of the message's own fields, and a setter that moves the tested
 * state by read-modify-write. Each has a silent look-alike that is a real guard.
 */
class LoadCheckSaveTest {

  private final CompilationTestHelper helper =
      Sources.helper(getClass())
          .addSourceLines(
              "Wallet.java",
              "class Wallet {",
              "  enum Status { NEW, PAID }",
              "  private long balance;",
              "  private int available;",
              "  private Status status = Status.NEW;",
              "  long getBalance() { return balance; }",
              "  void setBalance(long b) { balance = b; }",
              "  int getAvailable() { return available; }",
              "  void setAvailable(int a) { this.available = a; }",
              "  void changeAvailable(int a) { this.available = a; }",
              "  Status getStatus() { return status; }",
              "  void setStatus(Status s) { status = s; }",
              "}")
          .addSourceLines(
              "Wallets.java",
              "import java.util.Optional;",
              "interface Wallets {",
              "  Optional<Wallet> findById(String id);",
              "  Wallet save(Wallet w);",
              "  boolean existsById(String id);",
              "}")
          .addSourceLines(
              "Processed.java",
              "record Processed(String id) {}")
          .addSourceLines(
              "ProcessedRepository.java",
              "interface ProcessedRepository {",
              "  boolean existsById(String id);",
              "  Processed save(Processed p);",
              "}");

  @Test
  void aRecordsComponentHangsFromTheRecordItCameFrom() {
    helper
        .addSourceLines(
            "Cart.java", "record Cart(String id, java.util.List<String> items, int size) {}")
        .addSourceLines(
            "Carts.java",
            "interface Carts { java.util.Optional<Cart> findById(String id); }")
        .addSourceLines(
            "AddItem.java",
            "import io.idempo.IdempotentHandler;",
            "class AddItem {",
            "  private Carts carts;",
            "  @IdempotentHandler void add(String id, String item) {",
            "    Cart cart = carts.findById(id).orElseThrow();",
            "    // BUG: Diagnostic contains: `cart.items().add(…)` appends",
            "    cart.items().add(item);",
            "  }",
            "  @IdempotentHandler void aPrimitiveComponentIsAValue(String id) {",
            "    Cart cart = carts.findById(id).orElseThrow();",
            "    int size = cart.size();",
            "    size = size + 1;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void anImmutableCopyBuiltFromItsOwnValueAndSavedIsAReadModifyWrite() {
    helper
        .addSourceLines(
            "AccountView.java",
            "record AccountView(String id, String email, long balance) {",
            "  AccountView withBalance(long b) { return new AccountView(id, email, b); }",
            "}")
        .addSourceLines(
            "AccountViews.java",
            "import java.util.Optional;",
            "interface AccountViews {",
            "  Optional<AccountView> findById(String id);",
            "  AccountView save(AccountView v);",
            "}")
        .addSourceLines(
            "Projection.java",
            "import io.idempo.IdempotentHandler;",
            "class Projection {",
            "  private AccountViews views;",
            "  @IdempotentHandler void credited(String id, long amount) {",
            "    AccountView v = views.findById(id).orElseThrow();",
            "    // BUG: Diagnostic contains: `save(new AccountView(…))` fed by its own `balance` adds",
            "    views.save(new AccountView(v.id(), v.email(), v.balance() + amount));",
            "  }",
            "  @IdempotentHandler void debited(String id, long amount) {",
            "    AccountView v = views.findById(id).orElseThrow();",
            "    AccountView debited = new AccountView(v.id(), v.email(), v.balance() - amount);",
            "    // BUG: Diagnostic contains: fed by its own `balance` subtracts",
            "    views.save(debited);",
            "  }",
            "  @IdempotentHandler void byWither(String id, long amount) {",
            "    AccountView v = views.findById(id).orElseThrow();",
            "    // BUG: Diagnostic contains: `save(…withBalance(…))` fed by its own `balance`",
            "    views.save(v.withBalance(v.balance() + amount));",
            "  }",
            "  @IdempotentHandler void renamed(String id, String email) {",
            "    AccountView v = views.findById(id).orElseThrow();",
            "    views.save(new AccountView(v.id(), email, v.balance()));",
            "    views.save(v.withBalance(0));",
            "  }",
            "  @IdempotentHandler void opened(String id, String email, long amount) {",
            "    views.save(new AccountView(id, email, amount + 1));",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void presenceTestsOfLoadedEntitiesGuardNothing() {
    helper
        .addSourceLines(
            "Credit.java",
            "import io.idempo.IdempotentHandler;",
            "import java.util.Optional;",
            "class Credit {",
            "  private Wallets wallets;",
            "  private ProcessedRepository processed;",
            "  @IdempotentHandler void byOptional(String id, long amount) {",
            "    Optional<Wallet> found = wallets.findById(id);",
            "    if (found.isPresent()) {",
            "      Wallet w = found.get();",
            "      // BUG: Diagnostic contains: `setBalance(…)` fed by its own `balance`",
            "      w.setBalance(w.getBalance() + amount);",
            "      wallets.save(w);",
            "    }",
            "  }",
            "  @IdempotentHandler void byNull(String id, long amount) {",
            "    Wallet w = wallets.findById(id).orElse(null);",
            "    if (w != null) {",
            "      // BUG: Diagnostic contains: `setBalance(…)` fed by its own `balance`",
            "      w.setBalance(w.getBalance() + amount);",
            "      wallets.save(w);",
            "    }",
            "  }",
            "  @IdempotentHandler void byEarlyExit(String id, long amount) {",
            "    Wallet w = wallets.findById(id).orElse(null);",
            "    if (w == null) {",
            "      return;",
            "    }",
            "    // BUG: Diagnostic contains: `setBalance(…)` fed by its own `balance`",
            "    w.setBalance(w.getBalance() - amount);",
            "    wallets.save(w);",
            "  }",
            "  @IdempotentHandler void byDedupRow(String eventId, String id, long amount) {",
            "    if (!processed.existsById(eventId)) {",
            "      Wallet w = wallets.findById(id).orElseThrow();",
            "      w.setBalance(w.getBalance() + amount);",
            "      wallets.save(w);",
            "      processed.save(new Processed(eventId));",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void testsOfTheMessagesOwnFieldsGuardNothing() {
    helper
        .addSourceLines(
            "Service.java",
            "class Service {",
            "  void pay(Wallet w, long amount) {",
            "    if (w.getStatus() == Wallet.Status.NEW) {",
            "      w.setStatus(Wallet.Status.PAID);",
            "      w.setBalance(w.getBalance() - amount);",
            "    }",
            "  }",
            "}")
        .addSourceLines(
            "Reserve.java",
            "import io.idempo.IdempotentHandler;",
            "class Reserve {",
            "  private Wallets wallets;",
            "  private Service service;",
            "  @IdempotentHandler void onMessage(Wallet message, String id, long amount) {",
            "    Wallet w = wallets.findById(id).orElseThrow();",
            "    if (message.getStatus() == Wallet.Status.NEW) {",
            "      message.setStatus(Wallet.Status.PAID);",
            "      // BUG: Diagnostic contains: `setBalance(…)` fed by its own `balance`",
            "      w.setBalance(w.getBalance() - amount);",
            "    }",
            "  }",
            "  @IdempotentHandler void throughService(Wallet message, long amount) {",
            "    // BUG: Diagnostic contains: `Service.pay`",
            "    service.pay(message, amount);",
            "  }",
            "  @IdempotentHandler void loadedThroughService(String id, long amount) {",
            "    service.pay(wallets.findById(id).orElseThrow(), amount);",
            "  }",
            "  @IdempotentHandler void onLoaded(String id, long amount) {",
            "    Wallet w = wallets.findById(id).orElseThrow();",
            "    if (w.getStatus() == Wallet.Status.NEW) {",
            "      w.setStatus(Wallet.Status.PAID);",
            "      w.setBalance(w.getBalance() - amount);",
            "    }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void aSetterFedByTheTestedStateIsNoMove() {
    helper
        .addSourceLines(
            "Stock.java",
            "import io.idempo.IdempotentHandler;",
            "class Stock {",
            "  private Wallets wallets;",
            "  @IdempotentHandler void reserve(String id, int price) {",
            "    Wallet c = wallets.findById(id).orElseThrow();",
            "    if (price < c.getAvailable()) {",
            "      // BUG: Diagnostic contains: `setAvailable(…)` fed by its own `available`",
            "      c.setAvailable(c.getAvailable() - price);",
            "    }",
            "  }",
            "  @IdempotentHandler void reserveNamed(String id, int price, long amount) {",
            "    Wallet c = wallets.findById(id).orElseThrow();",
            "    if (price < c.getAvailable()) {",
            "      // BUG: Diagnostic contains: `c.changeAvailable(…)` fed by a value read through `c`",
            "      c.changeAvailable(c.getAvailable() - price);",
            "      // BUG: Diagnostic contains: `setBalance(…)` fed by its own `balance`",
            "      c.setBalance(c.getBalance() + amount);",
            "    }",
            "  }",
            "  @IdempotentHandler void reserveOnce(String id, int price) {",
            "    Wallet c = wallets.findById(id).orElseThrow();",
            "    if (c.getStatus() == Wallet.Status.NEW) {",
            "      c.setStatus(Wallet.Status.PAID);",
            "      c.setAvailable(c.getAvailable() - price);",
            "    }",
            "  }",
            "}")
        .doTest();
  }
}
