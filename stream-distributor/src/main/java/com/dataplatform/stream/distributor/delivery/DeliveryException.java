package com.dataplatform.stream.distributor.delivery;

/** A batch did not reach its destination; the worker retries it with backoff. */
public class DeliveryException extends Exception {

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }

    public DeliveryException(String message) {
        super(message);
    }
}
