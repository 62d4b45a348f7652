package com.dataplatform.stream.distributor.connectivity;

import java.time.Duration;

/** One dependency check; throws when the dependency did not answer within the timeout. */
public interface Probe {

    String name();

    void check(Duration timeout) throws Exception;
}
