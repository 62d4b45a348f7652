package com.dataplatform.analytics.embed.data;

/** An area cannot show data (dataset gone, columns changed, filters not allowed); the message is shown. */
public class AreaUnavailable extends RuntimeException {

    private final boolean filtersDenied;

    public AreaUnavailable(String message, boolean filtersDenied) {
        super(message);
        this.filtersDenied = filtersDenied;
    }

    /** True if the viewer's row filters are not allowed on this area (a token scope problem). */
    public boolean filtersDenied() {
        return filtersDenied;
    }
}
