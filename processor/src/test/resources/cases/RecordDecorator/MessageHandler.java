package com.acme.records;

public interface MessageHandler<M> {
  void handle(M message) throws Exception;

  String describe();

  default int priority() {
    return 0;
  }
}
