package com.dataplatform.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports for a stack on non-default ports (tests), chosen below the kernel's ephemeral range (32768+ on Linux): a
 * port handed out for {@code new ServerSocket(0)} can be taken by any outgoing connection of the stack's JVMs (to
 * Kafka, PostgreSQL) before the process meant to listen on it binds it. Never the same port twice per JVM.
 */
public final class FreePorts {

    private static final Set<Integer> TAKEN = new HashSet<>();

    private FreePorts() {
    }

    public static synchronized int next() throws IOException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            if (TAKEN.contains(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port)) {
                TAKEN.add(port);
                return s.getLocalPort();
            } catch (IOException inUse) {
                // taken: try another
            }
        }
        throw new IOException("no free port in 20000-31999");
    }
}
