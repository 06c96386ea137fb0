package io.idempo.spring.http;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A payments API whose endpoints are idempotent handlers, for the HTTP tests. */
@SpringBootApplication
public class HttpApplication {}
