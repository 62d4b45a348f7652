package com.dataplatform.ci.deploy.lifecycle;

/** The outcome of one integration test: {@code detail} says why it failed (false, null, error text). */
public record TestResult(String name, boolean passed, String detail, long millis) {
}
