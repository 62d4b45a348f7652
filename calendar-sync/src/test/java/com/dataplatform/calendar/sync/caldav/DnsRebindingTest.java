package com.dataplatform.calendar.sync.caldav;

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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding: the name passes the guard's check with an approved address, and the answer then flips to a refused
 * one. The connect must use the guard's answer at connect time (HttpClient's DNS hook), so the request fails before
 * any socket reaches the refused address. A fake resolver answers for "calendar.test"; both addresses are loopback
 * (127.0.0.1 allowlisted, 127.0.0.2 not), and a listener on the refused one counts every connection it gets.
 */
class DnsRebindingTest {

    private HttpServer approved;
    private ServerSocket refused;
    private final AtomicInteger approvedRequests = new AtomicInteger();
    private final AtomicInteger refusedConnections = new AtomicInteger();
    private Thread acceptor;

    @BeforeEach
    void listen() throws Exception {
        approved = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        approved.createContext("/", exchange -> {
            approvedRequests.incrementAndGet();
            byte[] body = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("ETag", "\"e1\"");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        approved.start();
        refused = new ServerSocket(approved.getAddress().getPort(), 5, InetAddress.getByName("127.0.0.2"));
        refused.setSoTimeout(200);
        acceptor = new Thread(() -> {
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
        acceptor.start();
    }

    @AfterEach
    void close() throws Exception {
        approved.stop(0);
        refused.close();
        acceptor.join();
    }

    private CalDavClient client(OutboundUrlGuard.Resolver dns) {
        OutboundUrlGuard guard = new OutboundUrlGuard(List.of("127.0.0.1/32"), dns);
        return CalDavClient.standalone(guard, "http://calendar.test:" + approved.getAddress().getPort() + "/cal/",
                "alice", "pw");
    }

    private static InetAddress[] address(String ip) throws java.net.UnknownHostException {
        return new InetAddress[] {InetAddress.getByName(ip)};
    }

    @Test
    void an_answer_that_flips_to_a_refused_address_after_the_check_fails_before_connecting() {
        AtomicInteger lookups = new AtomicInteger();
        CalDavClient client = client(host -> {
            if (!host.equals("calendar.test")) {
                throw new java.net.UnknownHostException(host);
            }
            return lookups.incrementAndGet() == 1 ? address("127.0.0.1") : address("127.0.0.2");
        });

        assertThatThrownBy(() -> client.get("event.ics"))
                .isInstanceOf(CalDavClient.CalDavException.class)
                .hasMessageContaining("refused").hasMessageContaining("127.0.0.2");

        assertThat(lookups.get()).as("checked once by the guard, once more at connect time").isEqualTo(2);
        assertThat(refusedConnections.get()).isZero();
        assertThat(approvedRequests.get()).isZero();
    }

    @Test
    void a_stable_approved_answer_is_connected_to_through_the_same_hook() {
        AtomicInteger lookups = new AtomicInteger();
        CalDavClient client = client(host -> {
            lookups.incrementAndGet();
            return address("127.0.0.1");
        });

        CalDavClient.Resource r = client.get("event.ics").orElseThrow();

        assertThat(r.etag()).isEqualTo("\"e1\"");
        assertThat(r.body()).startsWith("BEGIN:VCALENDAR");
        assertThat(approvedRequests.get()).isEqualTo(1);
        assertThat(lookups.get()).as("the connect resolved through the guard, not the system resolver").isEqualTo(2);
        assertThat(refusedConnections.get()).isZero();
    }

    @Test
    void the_dns_hook_answers_only_with_addresses_the_guard_approves() throws Exception {
        OutboundUrlGuard guard = new OutboundUrlGuard(List.of("127.0.0.1/32"),
                host -> host.equals("ok.test") ? address("127.0.0.1") : address("169.254.169.254"));
        assertThat(GuardedHttpClients.resolver(guard).resolve("ok.test")).containsExactly(address("127.0.0.1"));
        assertThatThrownBy(() -> GuardedHttpClients.resolver(guard).resolve("metadata.test"))
                .isInstanceOf(java.net.UnknownHostException.class).hasMessageContaining("link-local");
        assertThatThrownBy(() -> GuardedHttpClients.resolver(guard).resolveCanonicalHostname("metadata.test"))
                .isInstanceOf(java.net.UnknownHostException.class);
    }
}
