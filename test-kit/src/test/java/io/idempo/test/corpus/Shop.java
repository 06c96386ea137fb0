package io.idempo.test.corpus;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The lasting state of the handlers in {@link CorpusShapesTest}, in the shapes of the checker's
 * test corpus ({@code checker/src/test}): plain fields, atomics and adders, maps, lists and queues,
 * and repositories of entities (maps, as a fake repository holds them). A test observes all of it
 * with {@code ObjectState.fields("shop", shop)}.
 */
final class Shop {

  enum Status {
    NEW,
    ACCEPTED,
    PAID,
    CONFIRMED,
    REJECTED,
    SHIPPED
  }

  /** A wallet of {@code LoadCheckSaveTest}. */
  static final class Wallet {
    long balance;
    int available = 100;
    Status status = Status.NEW;
  }

  /** An account of {@code SetterAndCollectionTest}. */
  static final class Account {
    long points;
    BigDecimal balance = BigDecimal.ZERO;
    Status status = Status.NEW;
    String note = "";
    final List<String> events = new ArrayList<>();
  }

  /** A customer of {@code RealisticConsumersTest}. */
  static final class Customer {
    BigDecimal amountAvailable = new BigDecimal("100.00");
    BigDecimal amountReserved = BigDecimal.ZERO;
    int loyaltyPoints;
    String lastEventId;
    final List<String> notes = new ArrayList<>();

    void addPoints(int p) {
      loyaltyPoints += p;
    }
  }

  /**
   * An order, the message of the shapes that test the message's own fields; mutable, as a
   * deserialized entity is.
   */
  static final class Order {
    final String id;
    final String customerId;
    final BigDecimal price;
    Status status;

    Order(String id, String customerId, BigDecimal price, Status status) {
      this.id = id;
      this.customerId = customerId;
      this.price = price;
      this.status = status;
    }

    @Override
    public String toString() {
      return "Order[" + id + ", " + status + "]";
    }
  }

  // ---- plain fields (InlineMutationTest, GuardTest)
  long totalCaptured;
  int captures;
  final long[] perDay = new long[7];
  double rate = 1.0;
  boolean flag;
  boolean open;
  String log = "";
  long balance = 1000;
  long carried;
  long batchTotal;
  long total;
  long revenue;
  int stock = 10;
  Status status = Status.NEW;
  long lastAmount;
  long high;
  int flags = 3;
  long remainder = 100;
  String name = " name ";
  Object last;

  // ---- atomics and adders (SetterAndCollectionTest)
  final AtomicLong received = new AtomicLong();
  final AtomicInteger inFlight = new AtomicInteger(5);
  final LongAdder totalAdded = new LongAdder();
  final DoubleAdder volume = new DoubleAdder();
  final AtomicLong sum = new AtomicLong();
  final AtomicLong lastSeen = new AtomicLong();
  final AtomicReference<String> state = new AtomicReference<>("NEW");

  // ---- maps, lists and queues
  final Map<String, Integer> counts = new HashMap<>(Map.of("sku-9", 5));
  final Map<String, BigDecimal> totals = new ConcurrentHashMap<>();
  final Map<String, Integer> latest = new HashMap<>(Map.of("old", 1));
  final Map<String, List<String>> byKey = new HashMap<>();
  final Set<String> seen = new HashSet<>();
  final List<String> sent = new ArrayList<>();
  final Queue<String> pending = new ConcurrentLinkedQueue<>();
  final Deque<String> recent = new ArrayDeque<>();
  final Set<String> tags = new HashSet<>();
  final Map<String, Boolean> claimed = new ConcurrentHashMap<>();
  final Map<String, Long> lastSeenBySource = new ConcurrentHashMap<>();

  // ---- repositories of entities and a dedup table
  final Map<String, Wallet> wallets = new LinkedHashMap<>(Map.of("w-1", new Wallet()));
  final Map<String, Account> accounts = new LinkedHashMap<>(Map.of("a-1", new Account()));
  final Map<String, Customer> customers = new LinkedHashMap<>(Map.of("c-1", new Customer()));
  final Map<String, Order> orders = new LinkedHashMap<>();
  final Set<String> processed = new HashSet<>();
  final Map<String, Integer> stockLevels = new HashMap<>(Map.of("sku-1", 10));

  Optional<Wallet> findWallet(String id) {
    return Optional.ofNullable(wallets.get(id));
  }

  Optional<Customer> findCustomer(String id) {
    return Optional.ofNullable(customers.get(id));
  }

  /** Inserts a processed event; throws on a duplicate, as a unique key does. */
  void insertProcessed(String eventId) {
    if (!processed.add(eventId)) {
      throw new IllegalStateException("duplicate key " + eventId);
    }
  }
}
