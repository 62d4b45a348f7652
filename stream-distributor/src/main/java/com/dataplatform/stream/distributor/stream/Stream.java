package com.dataplatform.stream.distributor.stream;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A stream row as the API shows it (never the webhook secret). */
public record Stream(UUID id, String org, String name, Source source, Destination destination, StreamStatus status,
        String owner, long epoch, Long lag, OffsetDateTime lastDeliveredAt, OffsetDateTime createdAt) {
}
