package io.stickypool.operator.admin;

/** One answer of the readiness probe; {@code detail} is the plain-text body. */
public record Readiness(boolean ready, String detail) {}
