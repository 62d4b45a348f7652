package com.dataplatform.analytics.embed.page;

/** A page or area was written on this instance (published after the write committed). */
public record MetadataChanged() {
}
