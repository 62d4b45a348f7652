package com.dataplatform.stream.distributor.node;

import com.dataplatform.stream.distributor.stream.Stream;

/** Announces ownership changes on {@code streams.ownership}; must never block the caller. */
public interface OwnershipEvents {

    void assigned(Stream stream, String node, long epoch, String previousOwner);

    void released(Stream stream, String node, long epoch, String reason);

    OwnershipEvents NONE = new OwnershipEvents() {
        @Override
        public void assigned(Stream stream, String node, long epoch, String previousOwner) {
        }

        @Override
        public void released(Stream stream, String node, long epoch, String reason) {
        }
    };
}
