package io.idempo.benchmarks.memory;

import io.idempo.benchmarks.Delivery;
import io.idempo.runtime.Claim;
import io.idempo.runtime.HandlerDescriptor;
import io.idempo.runtime.InMemoryIdempotencyStore;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.springframework.integration.metadata.SimpleMetadataStore;
import org.springframework.integration.selector.MetadataStoreSelector;

/**
 * The in-memory implementations, each in the configuration its documentation shows. Every one
 * claims the key and then completes it; none does any work, so the suite measures the dedup alone.
 *
 * <p>Two references are no peers: {@code limit}, a bare {@code ConcurrentHashMap.putIfAbsent} that
 * never forgets a key, and {@code handwritten}, the plainest store bounded to {@link #CAPACITY}
 * keys: the same map plus one queue of keys in insertion order, from which each new key over the
 * capacity evicts the oldest. It has no claim in progress, no ttl and no completion order, which
 * every idempotency store needs; but all threads share its queue and its counter.
 */
public final class MemoryDeliveries {

  /** The implementations, by the names the reports use. */
  public static final String IDEMPO = "idempo-memory";

  public static final String CAMEL = "camel-memory";
  public static final String SPRING = "spring-memory";
  public static final String HANDWRITTEN = "handwritten";
  public static final String LIMIT = "limit";

  /**
   * Bounded stores keep this many keys: Idempo's default, given to Camel's LRU too (its own
   * default, 1,000, would forget keys before their duplicates arrive at 4 threads).
   */
  public static final int CAPACITY = InMemoryIdempotencyStore.DEFAULT_MAX_ENTRIES;

  private static final HandlerDescriptor HANDLER =
      HandlerDescriptor.builder("io.idempo.benchmarks.Ledger#record").keyPath("event.id").build();

  private MemoryDeliveries() {}

  /** A fresh, empty instance of implementation {@code name}. */
  public static Delivery create(String name) {
    return switch (name) {
      case IDEMPO -> idempo();
      case CAMEL -> camel();
      case SPRING -> spring();
      case HANDWRITTEN -> handwritten();
      case LIMIT -> limit();
      default ->
          throw new IllegalArgumentException(
              String.format(
                  Locale.ROOT,
                  "unknown in-memory implementation '%s'; use one of %s, %s, %s, %s, %s",
                  name,
                  IDEMPO,
                  CAMEL,
                  SPRING,
                  HANDWRITTEN,
                  LIMIT));
    };
  }

  private static Delivery idempo() {
    InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
    return key -> {
      Claim claim = store.claim(HANDLER, key);
      if (claim.isDuplicate()) {
        return false;
      }
      claim.complete(null);
      return true;
    };
  }

  private static Delivery camel() {
    // The factory starts the service, which creates its LRU cache.
    IdempotentRepository repository = MemoryIdempotentRepository.memoryIdempotentRepository(CAPACITY);
    return key -> {
      if (!repository.add(key)) {
        return false;
      }
      repository.confirm(key);
      return true;
    };
  }

  private static Delivery spring() {
    MetadataStoreSelector selector =
        new MetadataStoreSelector(message -> (String) message.getPayload(), new SimpleMetadataStore());
    return key -> selector.accept(new KeyMessage(key));
  }

  private static Delivery handwritten() {
    ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> insertionOrder = new ConcurrentLinkedQueue<>();
    AtomicInteger size = new AtomicInteger();
    return key -> {
      if (seen.putIfAbsent(key, Boolean.TRUE) != null) {
        return false;
      }
      insertionOrder.add(key);
      if (size.incrementAndGet() > CAPACITY) {
        String oldest = insertionOrder.poll();
        if (oldest != null) {
          seen.remove(oldest);
          size.decrementAndGet();
        }
      }
      return true;
    };
  }

  private static Delivery limit() {
    ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();
    return key -> seen.putIfAbsent(key, Boolean.TRUE) == null;
  }
}
