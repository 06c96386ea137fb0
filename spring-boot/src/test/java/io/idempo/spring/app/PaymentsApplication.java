package io.idempo.spring.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A Spring Boot application with idempotent handlers written as an application team would. */
@SpringBootApplication
public class PaymentsApplication {}
