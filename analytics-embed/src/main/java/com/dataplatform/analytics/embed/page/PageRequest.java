package com.dataplatform.analytics.embed.page;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Body of {@code POST /api/pages} and {@code PUT /api/pages/{id}}. */
public record PageRequest(
        @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,62}", message = "must match [a-z0-9][a-z0-9-]{0,62}")
        String slug,
        @NotBlank @Size(max = 200) String title,
        @Size(max = 50) List<@NotNull @Valid Block> blocks,
        @Size(max = 20) List<@NotBlank @Size(max = 200) String> allowedOrigins) {

    public PageRequest {
        blocks = blocks == null ? List.of() : List.copyOf(blocks);
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    }
}
