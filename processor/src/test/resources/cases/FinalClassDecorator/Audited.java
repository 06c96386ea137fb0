package com.acme.pricing;

public interface Audited {
  void audit(String... notes) throws java.io.IOException;
}
