package com.dataplatform.stream.distributor.stream;

/**
 * Body of {@code POST /api/streams}; validated field by field by {@link StreamRegistrar} so every problem names its
 * field.
 */
public record StreamRequest(String name, SourceRequest source, DestinationRequest destination) {

    /** @param filter optional {@code ce_type} the stream keeps */
    public record SourceRequest(String topic, String filter) {
    }

    /** {@code type} is {@code webhook} (url, secret) or {@code kafka} (topic). */
    public record DestinationRequest(String type, String url, String secret, String topic) {
    }
}
