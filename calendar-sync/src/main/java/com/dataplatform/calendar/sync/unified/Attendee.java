package com.dataplatform.calendar.sync.unified;

/** An attendee: normalised (trimmed, lower-case) email and response status. */
public record Attendee(String email, String name, ResponseStatus response) {

    /** The one response vocabulary all systems are mapped into. */
    public enum ResponseStatus { NEEDS_ACTION, ACCEPTED, DECLINED, TENTATIVE }
}
