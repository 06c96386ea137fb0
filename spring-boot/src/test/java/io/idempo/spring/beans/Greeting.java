package io.idempo.spring.beans;

/** An application event with an id, published more than once in the tests. */
public record Greeting(String id, String text) {}
