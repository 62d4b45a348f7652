package com.dataplatform.analytics.embed.page;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A content block of a page; markdown is rendered with raw HTML escaped. */
public record Block(
        @NotNull @Pattern(regexp = "markdown", message = "must be markdown") String type,
        @NotNull @Size(max = 20000) String text) {
}
