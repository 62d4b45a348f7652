package com.dataplatform.ci.deploy.bundle;

/** The uploaded archive is unsafe or unreadable; {@code tooLarge} maps to 413. */
public class BundleRejected extends RuntimeException {

    private final boolean tooLarge;

    public BundleRejected(String detail, boolean tooLarge) {
        super(detail);
        this.tooLarge = tooLarge;
    }

    public static BundleRejected unsafe(String detail) {
        return new BundleRejected(detail, false);
    }

    public static BundleRejected tooLarge(String detail) {
        return new BundleRejected(detail, true);
    }

    public boolean tooLarge() {
        return tooLarge;
    }
}
