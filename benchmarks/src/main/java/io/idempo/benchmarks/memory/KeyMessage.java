package io.idempo.benchmarks.memory;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;

/**
 * The smallest Spring {@link Message} carrying a key as its payload. In an application the inbound
 * adapter has already built the message before the selector sees it, so the benchmark keeps message
 * construction (and its id generator) out of the measured cost: every message shares one set of
 * headers.
 */
public final class KeyMessage implements Message<String> {

  private static final MessageHeaders HEADERS = new MessageHeaders(null);

  private final String key;

  public KeyMessage(String key) {
    this.key = key;
  }

  @Override
  public String getPayload() {
    return key;
  }

  @Override
  public MessageHeaders getHeaders() {
    return HEADERS;
  }
}
