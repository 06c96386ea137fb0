package com.acme.payments;

public record Payment(String id, long amountCents) {}
