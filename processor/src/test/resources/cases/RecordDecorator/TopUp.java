package com.acme.records;

public record TopUp(String transferId, long cents) {}
