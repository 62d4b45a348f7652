package com.dataplatform.calendar.sync.convert;

import java.util.List;

/**
 * A unified event rendered in a system's schema: the payload (iCalendar text or the system's JSON) and what the
 * target schema could not express (each loss named, never silent).
 */
public record Rendered(String payload, List<String> losses) {

    public Rendered {
        losses = List.copyOf(losses);
    }
}
