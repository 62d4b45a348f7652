package com.dataplatform.stream.distributor.stream;

/** Where a stream delivers its records. */
public sealed interface Destination {

    String type();

    /** Batched, HMAC-signed POSTs to an org's URL. */
    record Webhook(String url, String secret) implements Destination {
        @Override
        public String type() {
            return "webhook";
        }

        @Override
        public String toString() {
            return "Webhook[url=" + url + "]";
        }
    }

    /** An org-owned Kafka topic, written by an idempotent producer. */
    record KafkaTopic(String topic) implements Destination {
        @Override
        public String type() {
            return "kafka";
        }
    }
}
