package com.dataplatform.stream.distributor.stream;

/**
 * The Kafka topic a stream reads; only records whose {@code ce_tenant} is the stream's org, and whose {@code ce_type}
 * equals {@code typeFilter} when one is set.
 */
public record Source(String topic, String typeFilter) {
}
