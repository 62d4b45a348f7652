package com.dataplatform.calendar.sync.caldav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dataplatform.common.security.OutboundUrlGuard;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hrefs come from the server: only those on the system's own origin are ever requested (decision only, no I/O). */
class CalDavOriginTest {

    private static final URI BASE = URI.create("http://127.0.0.1:5232/alice/cal/");

    @Test
    void only_the_base_urls_scheme_host_and_port_count_as_the_same_origin() {
        assertThat(CalDavClient.sameOrigin(BASE, BASE.resolve("event1.ics"))).isTrue();
        assertThat(CalDavClient.sameOrigin(BASE, BASE.resolve("/alice/other/x.ics"))).isTrue();
        assertThat(CalDavClient.sameOrigin(BASE, URI.create("HTTP://127.0.0.1:5232/x.ics"))).isTrue();
        assertThat(CalDavClient.sameOrigin(BASE, URI.create("http://127.0.0.2:5232/x.ics"))).isFalse();
        assertThat(CalDavClient.sameOrigin(BASE, URI.create("http://127.0.0.1:5233/x.ics"))).isFalse();
        assertThat(CalDavClient.sameOrigin(BASE, URI.create("https://127.0.0.1:5232/x.ics"))).isFalse();
        assertThat(CalDavClient.sameOrigin(BASE, URI.create("http://evil@127.0.0.1:5232/x.ics"))).isFalse();
        assertThat(CalDavClient.sameOrigin(URI.create("https://dav.example.org/c/"),
                URI.create("https://dav.example.org:443/c/x.ics"))).isTrue();
    }

    @Test
    void a_foreign_absolute_href_is_refused_before_any_request_is_sent() {
        // a client that never sends: the refusal happens first (the port has no listener either)
        CalDavClient client = CalDavClient.standalone(new OutboundUrlGuard(List.of("127.0.0.0/8")),
                BASE.toString(), "alice", "secret");
        assertThatThrownBy(() -> client.get("http://127.0.0.2:5232/alice/cal/x.ics"))
                .isInstanceOf(CalDavClient.CalDavException.class).hasMessageContaining("origin");
        assertThatThrownBy(() -> client.multiget(List.of("http://127.0.0.3:5232/y.ics")))
                .isInstanceOf(CalDavClient.CalDavException.class).hasMessageContaining("origin");
    }
}
