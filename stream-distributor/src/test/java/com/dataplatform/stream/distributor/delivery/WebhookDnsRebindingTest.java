package com.dataplatform.stream.distributor.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dataplatform.common.security.GuardedHttpClients;
import com.dataplatform.common.security.OutboundUrlGuard;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * DNS rebinding against a webhook: "hooks.test" passes the guard's check with an allowlisted address and the answer
 * then flips to a refused one for the connect. The POST must fail before any socket reaches the refused address.
 * Both addresses are loopback (127.0.0.1 allowlisted, 127.0.0.2 not); a listener on the refused one counts
 * connections. The resolver is a fake, so nothing is looked up and nothing leaves the machine.
 */
class WebhookDnsRebindingTest {

    private HttpServer approved;
    private ServerSocket refused;
    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger refusedConnections = new AtomicInteger();

    @BeforeEach
    void listen() throws Exception {
        approved = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        approved.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            delivered.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        approved.start();
        refused = new ServerSocket(approved.getAddress().getPort(), 5, InetAddress.getByName("127.0.0.2"));
        refused.setSoTimeout(200);
        Thread acceptor = new Thread(() -> {
            while (!refused.isClosed()) {
                try (Socket s = refused.accept()) {
                    refusedConnections.incrementAndGet();
                } catch (SocketTimeoutException e) {
                    // poll again
                } catch (Exception e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws Exception {
        approved.stop(0);
        refused.close();
    }

    /** Answers 127.0.0.1 to the first lookup (the check) and {@code later} to every lookup after it. */
    private static OutboundUrlGuard guard(String later) {
        AtomicInteger lookups = new AtomicInteger();
        return new OutboundUrlGuard(List.of("127.0.0.1/32"), host -> {
            if (!host.equals("hooks.test")) {
                throw new java.net.UnknownHostException(host);
            }
            String ip = lookups.getAndIncrement() == 0 ? "127.0.0.1" : later;
            return new InetAddress[] {InetAddress.getByName(ip)};
        });
    }

    private void deliver(OutboundUrlGuard guard) throws Exception {
        try (CloseableHttpClient http = GuardedHttpClients.create(guard, Duration.ofSeconds(2), Duration.ofSeconds(2), 4)) {
            new WebhookClient(http, guard, JsonMapper.builder().build(),
                    "http://hooks.test:" + approved.getAddress().getPort() + "/hook", "0123456789abcdef-secret")
                    .deliver(UUID.randomUUID(), 1, List.of(), Duration.ofSeconds(2));
        }
    }

    @Test
    void a_stable_answer_delivers_through_the_guarded_dns_hook() throws Exception {
        deliver(guard("127.0.0.1"));
        assertThat(delivered).hasValue(1);
    }

    @Test
    void an_answer_that_flips_after_the_check_is_refused_before_any_connection() {
        assertThatThrownBy(() -> deliver(guard("127.0.0.2")))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("127.0.0.2");
        assertThat(delivered).hasValue(0);
        assertThat(refusedConnections).hasValue(0);
    }
}
