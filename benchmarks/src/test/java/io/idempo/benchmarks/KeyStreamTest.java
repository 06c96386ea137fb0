package io.idempo.benchmarks;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyStreamTest {

  @Test
  void duplicatesAreEarlierKeysOfTheSameThreadInTheWindowAtTheRequestedShare() {
    KeyStream stream = KeyStream.create("k", 3, 50_000, 0.2, 42);
    Set<String> seen = new HashSet<>();
    List<String> fresh = new java.util.ArrayList<>();
    int duplicates = 0;
    for (int i = 0; i < stream.size(); i++) {
      String key = stream.keyAt(i);
      assertThat(key).startsWith("k3-");
      if (stream.isDuplicate(i)) {
        duplicates++;
        assertThat(seen).contains(key);
        int age = fresh.size() - 1 - fresh.lastIndexOf(key);
        assertThat(age).isLessThan(KeyStream.DUPLICATE_WINDOW);
      } else {
        assertThat(seen.add(key)).isTrue();
        fresh.add(key);
      }
    }
    assertThat(duplicates / (double) stream.size()).isWithin(0.01).of(0.2);
  }

  @Test
  void sameSeedSameStreamOtherThreadOtherKeys() {
    KeyStream a = KeyStream.create("k", 0, 1_000, 0.2, 42);
    KeyStream b = KeyStream.create("k", 0, 1_000, 0.2, 42);
    KeyStream other = KeyStream.create("k", 1, 1_000, 0.2, 42);
    for (int i = 0; i < 1_000; i++) {
      assertThat(b.keyAt(i)).isEqualTo(a.keyAt(i));
      assertThat(other.keyAt(i)).doesNotContain("k0-");
    }
  }

  @Test
  void wrapsIntoNewKeysAndCountsLaps() {
    KeyStream stream = KeyStream.create("k", 0, 3, 0, 1);
    assertThat(List.of(stream.next(), stream.next(), stream.next()))
        .containsExactly("k0-0", "k0-1", "k0-2");
    assertThat(stream.next()).isEqualTo("k0-0~1");
    assertThat(stream.laps()).isEqualTo(1);
    stream.rewind();
    assertThat(stream.next()).isEqualTo("k0-0");
    assertThat(stream.laps()).isEqualTo(0);
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> KeyStream.create("k", 0, 0, 0.2, 1));
    assertThrows(IllegalArgumentException.class, () -> KeyStream.create("k", 0, 10, 1.0, 1));
  }
}
